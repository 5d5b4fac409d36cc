import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC, USDC, USDT } from "./book-fixture.test-support.ts";
import { evaluateBook } from "./book-metrics.ts";
import { planDepeg } from "./depeg-plan.ts";
import type { BookSnapshot } from "./snapshot.ts";
import { getSqrtRatioAtTick } from "./tick-math.ts";
import { valueV4Position } from "./v4-position.ts";

// Mainnet's USDC/USDT 0.001% v4 pool id (hookless): keccak256(abi.encode(key)).
const POOL_ID = "0x8aa4e11cbdf30eedc92100f4c8a31ff748e201d44712cc8c90d189edaa8e4e47" as const;
const HOOKLESS = "0x0000000000000000000000000000000000000000" as const;

/** The fixture's book with a v4 USDC/USDT position around the 1:1 tick (token id 42). */
function withV4StablePosition(book: BookSnapshot, liquidity = 10n ** 14n): BookSnapshot {
  book.pools.push({
    kind: "uniswap-v4",
    poolId: POOL_ID,
    key: { currency0: USDC.address, currency1: USDT.address, fee: 10, tickSpacing: 1, hooks: HOOKLESS },
    currency0: USDC,
    currency1: USDT,
    sqrtPriceX96: getSqrtRatioAtTick(0),
    tick: 0,
    lpFee: 10,
    protocolFee: 0,
    liquidity,
    feeGrowthGlobal0X128: 0n,
    feeGrowthGlobal1X128: 0n,
    ranges: [{ tickLower: -50, tickUpper: 50, feeGrowthInside0X128: 0n, feeGrowthInside1X128: 0n }],
  });
  book.lpPositions.push({
    kind: "uniswap-v4",
    tokenId: 42n,
    poolId: POOL_ID,
    owner: book.safe,
    tickLower: -50,
    tickUpper: 50,
    liquidity,
    feeGrowthInside0LastX128: 0n,
    feeGrowthInside1LastX128: 0n,
    hasSubscriber: false,
    entry: { kind: "sqrtPrice", sqrtPriceX96: getSqrtRatioAtTick(0) },
  });
  return book;
}

describe("de-peg lane: v4 stable-pair withdrawal", () => {
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
