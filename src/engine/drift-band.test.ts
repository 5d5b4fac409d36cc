import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DRIFT_BANDS,
  driftBand,
  FAR_BEYOND_MULTIPLE,
  isBeyondBand,
  NEAR_BAND_FRACTION,
} from "./drift-band.ts";

describe("drift against a band", () => {
  it("names the four bands, the edges belonging to the inner one", () => {
    expect(driftBand(0, 100)).toBe("inside");
    expect(driftBand(79.9, 100)).toBe("inside");
    expect(driftBand(100 * NEAR_BAND_FRACTION, 100)).toBe("near");
    expect(driftBand(-100, 100)).toBe("near");
    expect(driftBand(100.001, 100)).toBe("beyond");
    expect(driftBand(-100 * FAR_BEYOND_MULTIPLE, 100)).toBe("beyond");
    expect(driftBand(200.001, 100)).toBe("far-beyond");
  });

  it("reads any drift against a zero band as far beyond it, and unmeasurable drift as far beyond", () => {
    expect(driftBand(0, 0)).toBe("inside");
    expect(driftBand(0.01, 0)).toBe("far-beyond");
    expect(driftBand(Number.NaN, 100)).toBe("far-beyond");
    expect(driftBand(Number.NEGATIVE_INFINITY, 100)).toBe("far-beyond");
  });

  it("is beyond exactly when |drift| exceeds the band, whatever the sign of either", () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, min: -1e6, max: 1e6 }),
        fc.double({ noNaN: true, min: 0, max: 1e5 }),
        (d, b) => {
          expect(isBeyondBand(driftBand(d, b))).toBe(Math.abs(d) > b);
          expect(driftBand(-d, -b)).toBe(driftBand(d, b));
          expect(DRIFT_BANDS).toContain(driftBand(d, b));
        },
      ),
    );
  });
});
