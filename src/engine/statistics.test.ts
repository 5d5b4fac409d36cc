import { describe, expect, it } from "vitest";
import { normalCdf } from "./statistics.ts";

describe("normalCdf", () => {
  it("turns the usual one-sided quantiles into their confidence (tables of Φ)", () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.645)).toBeCloseTo(0.95002, 5);
    expect(normalCdf(2.326)).toBeCloseTo(0.98999, 5);
    expect(normalCdf(-1.96)).toBeCloseTo(0.024998, 5);
  });

  it("is symmetric: Φ(−z) = 1 − Φ(z)", () => {
    for (const z of [0.1, 0.7, 1.3, 2.5, 4]) expect(normalCdf(-z)).toBeCloseTo(1 - normalCdf(z), 12);
  });
});
