import { describe, expect, it } from "vitest";
import { aaveBook, LEG, USDC_LT } from "./aave-fixture.test-support.ts";
import { makeParams, NOW_SEC, USDC } from "./book-fixture.test-support.ts";
import { stressBook } from "./stress.ts";

// The Aave leg of the stress table against an independent computation: with USDC collateral C (LT 0.78) and a WETH
// debt of D ETH at price p, a move of x takes the price to p·(1+x):
//   Δvalue = −D·p·x,  HF after = C·0.78 / (D·p·(1+x)),  liquidated ⇔ HF after < 1;
// a USDC de-peg to q: Δvalue = C·(q − 1), HF after = C·q·0.78 / (D·p).
const ETH_USD = 3000;
const params = makeParams({ aave: LEG });

/** The fixture's Aave leg: its WETH debt D and USDC collateral C, read back from the account. */
function legOf(book: ReturnType<typeof aaveBook>) {
  const reserves = book.aave!.reserves;
  const debtEth = Number(reserves.find((r) => r.variableDebt > 0n)!.variableDebt) / 1e18;
  const collateralUsdc = Number(reserves.find((r) => r.aTokenBalance > 0n)!.aTokenBalance) / 1e6;
  return { debtEth, collateralUsdc };
}

describe("the stress table's Aave leg", () => {
  it("reports each price shock's value change, health factor after and liquidation, as computed independently", () => {
    const book = aaveBook({ hf: 1.6, perp: true });
    const { debtEth: D, collateralUsdc: C } = legOf(book);
    const moves = [-0.3, -0.1, 0.1, 0.3, 0.65];
    const results = stressBook(
      book,
      params,
      NOW_SEC,
      moves.map((pct) => ({ kind: "price" as const, pct })),
    );
    for (const [i, pct] of moves.entries()) {
      const r = results[i]!;
      const hfAfter = (C * USDC_LT) / (D * ETH_USD * (1 + pct));
      expect(r.aave!.valueChangeUsd, `value change at ${pct}`).toBeCloseTo(-D * ETH_USD * pct, 2);
      expect(r.aave!.healthFactorBefore).toBeCloseTo((C * USDC_LT) / (D * ETH_USD), 6);
      expect(r.aave!.healthFactorAfter, `HF at ${pct}`).toBeCloseTo(hfAfter, 6);
      expect(r.aave!.liquidated, `liquidated at ${pct}`).toBe(hfAfter < 1);
      expect(r.liquidated).toBe(hfAfter < 1);
    }
    // +65%: HF 1.6 / 1.65 ≈ 0.97, between 0.95 and 1: half the debt is closed, the liquidator takes USDC's 4.5% bonus.
    const crash = results[4]!;
    expect(crash.aave!.liquidationPenaltyUsd).toBeCloseTo(D * ETH_USD * 1.65 * 0.5 * 0.045, 2);
    // The leg's value change (and its penalty) is the hedge's P&L: no perp here.
    expect(crash.hedgePnlUsd).toBeCloseTo(crash.aave!.valueChangeUsd - crash.aave!.liquidationPenaltyUsd, 6);
    // Positive control of the liquidation flag: +30% leaves HF 1.6 / 1.3 ≈ 1.23, alive.
    expect(results[3]!.aave!.liquidated).toBe(false);
    expect(results[3]!.aave!.liquidationPenaltyUsd).toBe(0);
  });

  it("reprices the collateral in a de-peg of the stablecoin it is supplied in", () => {
    const book = aaveBook({ hf: 1.6, perp: true });
    const { debtEth: D, collateralUsdc: C } = legOf(book);
    const [r] = stressBook(book, params, NOW_SEC, [{ kind: "depeg", token: USDC.address, priceUsd: 0.8774 }]);
    expect(r!.aave!.valueChangeUsd).toBeCloseTo(C * (0.8774 - 1), 2);
    expect(r!.aave!.healthFactorAfter).toBeCloseTo((C * 0.8774 * USDC_LT) / (D * ETH_USD), 6);
  });

  it("has no Aave row for a book without an Aave leg", () => {
    const book = aaveBook({ hf: 1.6 });
    const { aave: _, ...withoutAave } = book;
    const [r] = stressBook(withoutAave, makeParams(), NOW_SEC, [{ kind: "price", pct: 0.1 }]);
    expect(r!.aave).toBeNull();
  });
});
