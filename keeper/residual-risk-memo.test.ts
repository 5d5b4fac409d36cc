import { describe, expect, it } from "vitest";
import { makeParams } from "../src/engine/book-fixture.test-support.ts";
import { syntheticSamples } from "../src/engine/samples-fixture.test-support.ts";
import { residualRiskOf } from "./evaluation-history.ts";
import { createResidualRiskMemo } from "./residual-risk-memo.ts";

describe("the residual-risk memo of a group job", () => {
  const params = makeParams();
  const live = syntheticSamples(240, 0.8);

  it("answers books with the same samples and confidence with one bootstrap, the same figures as residualRiskOf", () => {
    const memo = createResidualRiskMemo();
    const direct = residualRiskOf(live, params);
    expect(direct.valueAtRiskUsd).toBeGreaterThan(0);
    // Another book's copy of the same samples (equal values, other objects), another policy with the same z.
    const sameInputs = live.map((s) => ({ ...s }));
    expect(memo(live, params)).toEqual(direct);
    expect(memo(sameInputs, makeParams({ armBps: 300 }))).toEqual(direct);
    expect(memo.computed).toBe(1);
  });

  it("computes again when any input differs: the confidence, one sample's hedge, a missing item value", () => {
    const memo = createResidualRiskMemo();
    memo(live, params);
    const otherZ = makeParams({ risk: { ...params.risk, confidenceZ: 2.326 } });
    expect(memo(live, otherZ)).toEqual(residualRiskOf(live, otherZ));
    const nudged = live.map((s, i) => (i === 100 ? { ...s, hedgeValueUsd: s.hedgeValueUsd + 1e-9 } : s));
    expect(memo(nudged, params)).toEqual(residualRiskOf(nudged, params));
    // The samples carry no item value, so residualRiskOf reads the LP's; an item value of 0 is another input.
    expect(live.every((s) => s.hedgedItemValueUsd === undefined)).toBe(true);
    const zeroItems = live.map((s) => ({ ...s, hedgedItemValueUsd: 0 }));
    expect(memo(zeroItems, params)).toEqual(residualRiskOf(zeroItems, params));
    expect(memo(zeroItems, params)).not.toEqual(memo(live, params));
    expect(memo.computed).toBe(4);
  });

  it("hands each caller its own copy: one book's detail edited later does not change another's", () => {
    const memo = createResidualRiskMemo();
    const first = memo(live, params);
    first.reason = "edited";
    expect(memo(live, params).reason).toBeNull();
  });
});
