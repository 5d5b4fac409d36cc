import { describe, expect, it } from "vitest";
import { applyPlan } from "./apply-plan.ts";
import {
  makeBook,
  makeParams,
  NOW_SEC,
  USDC,
  USDT,
  withV4StablePosition,
} from "./book-fixture.test-support.ts";
import { evaluateBook } from "./book-metrics.ts";
import { planDepeg } from "./depeg-plan.ts";
import { valueV4Position } from "./v4-position.ts";

describe("de-peg lane: v4 stable-pair withdrawal", () => {
  it("promises a book (applyPlan) with the position emptied and the Safe holding the post check's minimums, so no second withdrawal is planned", () => {
    const book = withV4StablePosition(makeBook({ usdtUsdOracle: 0.9, usdtUsdPool: 0.9 }));
    const params = makeParams();
    const decision = planDepeg(book, params, evaluateBook(book, params, NOW_SEC), NOW_SEC);
    if (decision?.kind !== "plan") throw new Error("expected a de-peg plan");
    const { plan } = decision;
    const withdrawal = plan.actions.find((a) => a.kind === "uniswapV4.decreaseLiquidity");
    if (withdrawal?.kind !== "uniswapV4.decreaseLiquidity") throw new Error("expected a v4 withdrawal");
    const after = applyPlan(book, plan, NOW_SEC + 12);
    const position = after.lpPositions.find((p) => p.kind === "uniswap-v4" && p.tokenId === 42n);
    if (position?.kind !== "uniswap-v4") throw new Error("the v4 position left the book");
    expect(position.liquidity).toBe(0n);
    const spot = (token: string) =>
      after.spot.find((s) => s.token.address.toLowerCase() === token.toLowerCase())?.balance ?? 0n;
    const before = (token: string) =>
      book.spot.find((s) => s.token.address.toLowerCase() === token.toLowerCase())?.balance ?? 0n;
    // The withdrawal's minimums land as spot, and every balance the post check asks for is held.
    const swappedUsdt = plan.actions
      .filter(
        (a) => a.kind === "swap.exactInputSingle" && a.tokenIn.toLowerCase() === USDT.address.toLowerCase(),
      )
      .reduce((sum, a) => sum + (a.kind === "swap.exactInputSingle" ? a.amountIn : 0n), 0n);
    expect(spot(USDT.address)).toBe(before(USDT.address) + withdrawal.amount1Min - swappedUsdt);
    for (const { token, amount } of plan.post.minBalances) expect(spot(token)).toBeGreaterThanOrEqual(amount);
    // The emptied position holds nothing to withdraw: the lane does not plan it again on the promised book.
    const again = planDepeg(after, params, evaluateBook(after, params, NOW_SEC + 12), NOW_SEC + 12);
    const actionsAgain = again?.kind === "plan" ? again.plan.actions : [];
    expect(actionsAgain.some((a) => a.kind === "uniswapV4.decreaseLiquidity")).toBe(false);
  });

  it("refuses to apply a withdrawal of more liquidity than the position holds (the chain would revert it)", () => {
    const book = withV4StablePosition(makeBook({ usdtUsdOracle: 0.9, usdtUsdPool: 0.9 }));
    const params = makeParams();
    const decision = planDepeg(book, params, evaluateBook(book, params, NOW_SEC), NOW_SEC);
    if (decision?.kind !== "plan") throw new Error("expected a de-peg plan");
    const actions = decision.plan.actions.map((a) =>
      a.kind === "uniswapV4.decreaseLiquidity" ? { ...a, liquidity: a.liquidity + 1n } : a,
    );
    expect(() => applyPlan(book, { ...decision.plan, actions }, NOW_SEC)).toThrow(/action\.liquidity/);
  });

  it("withdraws a USDC/USDT v4 position whole when USDT is at its act tier, the Safe paid at least the exact amounts less slippage", () => {
    const book = withV4StablePosition(makeBook({ usdtUsdOracle: 0.9, usdtUsdPool: 0.9 }));
    const params = makeParams();
    const metrics = evaluateBook(book, params, NOW_SEC);
    expect(metrics.depeg.find((d) => d.symbol === "USDT")?.tier).toBe("act");
    const decision = planDepeg(book, params, metrics, NOW_SEC);
    expect(decision?.kind).toBe("plan");
    if (decision?.kind !== "plan") return;
    const { plan } = decision;
    expect(plan.lane).toBe("urgent");
    const withdrawal = plan.actions[0]!;
    expect(withdrawal.kind).toBe("uniswapV4.decreaseLiquidity");
    if (withdrawal.kind !== "uniswapV4.decreaseLiquidity") return;
    const pool = book.pools.at(-1)!;
    const position = book.lpPositions.at(-1)!;
    if (pool.kind !== "uniswap-v4" || position.kind !== "uniswap-v4") throw new Error("fixture");
    const exact = valueV4Position(position, pool, { base: book.base.address });
    const usdt = params.depeg.stablecoins.find((s) => s.symbol === "USDT")!;
    const keep = 10_000n - BigInt(usdt.maxSlippageBps);
    expect(withdrawal).toEqual({
      kind: "uniswapV4.decreaseLiquidity",
      venue: "uniswap-v4",
      tokenId: 42n,
      liquidity: position.liquidity,
      amount0Min: (exact.amount0 * keep) / 10_000n,
      amount1Min: (exact.amount1 * keep) / 10_000n,
      currency0: USDC.address,
      currency1: USDT.address,
    });
    expect(plan.reason).toContain("withdraw v4 position 42");
    // The post check holds the Safe to the withdrawal's minimums on top of its spot (and whatever the swaps add).
    const usdcMin = plan.post.minBalances.find((b) => b.token.toLowerCase() === USDC.address.toLowerCase());
    expect(usdcMin?.amount).toBeGreaterThanOrEqual(withdrawal.amount0Min);
  });

  it("leaves the v4 position alone while the stables hold their peg", () => {
    const book = withV4StablePosition(makeBook());
    const params = makeParams();
    const decision = planDepeg(book, params, evaluateBook(book, params, NOW_SEC), NOW_SEC);
    expect(decision).toBeNull();
  });
});
