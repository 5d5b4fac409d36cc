import { describe, expect, it } from "vitest";
import { aaveAccount } from "./aave-fixture.test-support.ts";
import { healthFactorWad } from "./aave-leg.ts";
import { WETH } from "./book-fixture.test-support.ts";
import { type DeleverageInput, decideDeleverage } from "./deleverage.ts";

const ETH = 10n ** 18n;
const FLOOR = healthFactorWad(1.5);
const TARGET = healthFactorWad(1.8);
const USDC_LT = 0.78;
const ETH_USD = 3000;

/** 300,000 USDC against 60 WETH at 3000: HF = 300,000 × 0.78 / 180,000 = 1.3, under the 1.5 floor. */
function input(patch: Partial<DeleverageInput> & { usdc?: number; weth?: number } = {}): DeleverageInput {
  const { usdc = 300_000, weth = 60, ...rest } = patch;
  return {
    account: aaveAccount({ usdc, weth }),
    shortAsset: WETH.address,
    heldShortUnits: 60n * ETH,
    floorWad: FLOOR,
    targetWad: TARGET,
    blockNumber: 1_000n,
    keeperLastPlanBlock: 900n,
    keeperGraceBlocks: 20n,
    oracleFresh: true,
    ...rest,
  };
}

/** Independently: the repay (WETH) that brings C·LT / ((debt − x)·p) to `target`. */
const repayToTarget = (usdc: number, weth: number, target: number) =>
  weth - (usdc * USDC_LT) / (target * ETH_USD);

describe("decideDeleverage", () => {
  it("repays from the Safe's wallet the least WETH that restores the target health factor", () => {
    const decision = decideDeleverage(input());
    expect(decision.kind).toBe("repay");
    if (decision.kind !== "repay") return;
    expect(decision.source).toBe("wallet");
    expect(Number(decision.healthFactorWad) / 1e18).toBeCloseTo(1.3, 9);
    // 60 − 234,000 / 5,400 = 16.666… WETH.
    expect(Number(decision.units) / 1e18).toBeCloseTo(repayToTarget(300_000, 60, 1.8), 9);
    expect(decision.healthFactorAfterWad).toBeGreaterThanOrEqual(TARGET);
    expect(decision.reachesTarget).toBe(true);
    // Least: one wei less stays under the target.
    const oneLess = decideDeleverage(input({ heldShortUnits: decision.units - 1n }));
    expect(oneLess.kind === "repay" && oneLess.healthFactorAfterWad < TARGET).toBe(true);
  });

  it("repays all the Safe holds when that cannot reach the target, and says so", () => {
    const decision = decideDeleverage(input({ heldShortUnits: 5n * ETH }));
    expect(decision).toMatchObject({
      kind: "repay",
      source: "wallet",
      units: 5n * ETH,
      reachesTarget: false,
    });
    if (decision.kind !== "repay") return;
    // 234,000 / (55 × 3000) = 1.41818…
    expect(Number(decision.healthFactorAfterWad) / 1e18).toBeCloseTo(234_000 / (55 * 3000), 9);
  });

  it("repays with the Safe's aWETH when it holds no WETH, counting the aWETH that leaves the collateral", () => {
    const account = aaveAccount({ usdc: 300_000, weth: 60 });
    const weth = account.reserves.find((r) => r.asset.address === WETH.address)!;
    weth.aTokenBalance = 10n * ETH;
    weth.usedAsCollateral = true;
    const decision = decideDeleverage(input({ account, heldShortUnits: 0n }));
    expect(decision).toMatchObject({ kind: "repay", source: "aTokens" });
    if (decision.kind !== "repay") return;
    // HF(x) = (234,000 + (10 − x)·3000·0.83) / ((60 − x)·3000); solved for HF = 1.8 the root lies beyond 10 aWETH, so
    // all 10 go: (234,000) / (50 × 3000) = 1.56.
    expect(decision.units).toBe(10n * ETH);
    expect(Number(decision.healthFactorAfterWad) / 1e18).toBeCloseTo(234_000 / (50 * 3000), 9);
  });

  it("holds above the floor, without debt, on a stale feed, while the keeper is active, and with nothing to pay", () => {
    expect(decideDeleverage(input({ usdc: 400_000 }))).toMatchObject({ kind: "hold", reason: "above-floor" });
    expect(decideDeleverage(input({ weth: 0 }))).toMatchObject({ kind: "hold", reason: "no-debt" });
    expect(decideDeleverage(input({ oracleFresh: false }))).toMatchObject({
      kind: "hold",
      reason: "oracle-stale",
    });
    expect(decideDeleverage(input({ keeperLastPlanBlock: 980n }))).toMatchObject({
      kind: "hold",
      reason: "keeper-active",
    });
    expect(decideDeleverage(input({ heldShortUnits: 0n }))).toMatchObject({
      kind: "hold",
      reason: "nothing-to-repay-with",
    });
    // Positive control: the grace has passed by one block.
    expect(decideDeleverage(input({ keeperLastPlanBlock: 979n })).kind).toBe("repay");
  });

  it("refuses a band whose floor is above its target, naming it", () => {
    expect(() => decideDeleverage(input({ floorWad: TARGET + 1n }))).toThrow(/healthFactor/);
  });
});
