import { describe, expect, it } from "vitest";
import { NEAR_BAND_FRACTION } from "../engine/drift-band.ts";
import { driftBand } from "./drift-band.ts";

describe("driftBand", () => {
  it("is green inside the band, amber from the near fraction to the edge, red beyond, either sign", () => {
    expect(driftBand(0, 500)).toEqual({ band: "inside", colour: "green" });
    expect(driftBand(399, 500)).toEqual({ band: "inside", colour: "green" });
    expect(driftBand(500 * NEAR_BAND_FRACTION, 500)).toEqual({ band: "near", colour: "amber" });
    expect(driftBand(-450, 500)).toEqual({ band: "near", colour: "amber" });
    expect(driftBand(500, 500)).toEqual({ band: "near", colour: "amber" });
    expect(driftBand(500.01, 500)).toEqual({ band: "beyond", colour: "red" });
    expect(driftBand(-640, 400)).toEqual({ band: "beyond", colour: "red" });
  });

  it("treats a zero band as beyond for any drift, and a non-finite drift as beyond", () => {
    expect(driftBand(0, 0).band).toBe("inside");
    expect(driftBand(1, 0).band).toBe("beyond");
    expect(driftBand(Number.NaN, 500).band).toBe("beyond");
    expect(driftBand(Number.POSITIVE_INFINITY, 500).band).toBe("beyond");
  });
});
