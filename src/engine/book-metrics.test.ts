import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC, USDC, USDT, WETH } from "./book-fixture.test-support.ts";
import { evaluateBook } from "./book-metrics.ts";
import { EngineInputError } from "./errors.ts";
import { hedgeDrift } from "./hedge-drift.ts";
import { perpMetrics } from "./perp-metrics.ts";
import { encodeSqrtRatioX96 } from "./price-tick.ts";
import { getTickAtSqrtRatio, nearestUsableTick } from "./tick-math.ts";
import { NATIVE_CURRENCY, valueV4Position } from "./v4-position.ts";

describe("book evaluation", () => {
  it("values the LP at oracle prices, with exact amounts and uncollected fees", () => {
    const m = evaluateBook(makeBook(), makeParams(), NOW_SEC);
    const lp = m.lp[0]!;
    expect(lp.inRange).toBe(true);
    // 500k USDC + ~166.67 WETH deposited at 3000: ~$1M
    expect(lp.valueUsd).toBeGreaterThan(990_000);
    expect(lp.valueUsd).toBeLessThan(1_001_000);
    expect(lp.fees0).toBeGreaterThan(0n);
    expect(lp.impermanentLossPct).toBeCloseTo(0, 9); // entered at the current price
    expect(lp.deltaBase).toBeGreaterThan(150);
    expect(lp.gammaBase).toBeLessThan(0);
    expect(lp.lvrUsdPerYear).toBeGreaterThan(0);
  });

  it("shows IL once the price moves away from entry", () => {
    // the same position (entered at 3000), with the pool and the oracle now at 3300
    const moved = makeBook();
    const later = makeBook({ ethUsd: 3300 });
    const [before, after] = [moved.pools[0]!, later.pools[0]!];
    if (before.kind !== "uniswap-v3" || after.kind !== "uniswap-v3")
      throw new Error("fixture has a v3 main pool");
    moved.pools[0] = { ...after, ticks: before.ticks };
    moved.baseOracle = later.baseOracle;
    const m = evaluateBook(moved, makeParams(), NOW_SEC);
    expect(m.lp[0]!.impermanentLossPct).toBeLessThan(0);
    expect(m.impermanentLossUsd).toBeLessThan(0);
  });

  it("measures hedge ratio and drift: a 90% hedge is under-hedged by 10% of the LP delta", () => {
    const m = evaluateBook(makeBook({ hedgeRatio: 0.9 }), makeParams(), NOW_SEC);
    expect(m.drift.hedgeRatio).toBeCloseTo(0.9, 2);
    expect(m.drift.state).toBe("under");
    expect(m.drift.driftUsd).toBeCloseTo(-0.1 * m.drift.exposureDeltaBase * 3000, -3);
    expect(m.drift.driftBps).toBeLessThan(-100);
  });

  it("reports the perp like Perp v2 does: notional, leverage, liquidation price and distance", () => {
    const perp = makeBook({ marginRatio: 0.25 }).perp!;
    const p = perpMetrics(perp);
    expect(p.marginRatio).toBeCloseTo(0.25, 4);
    expect(p.leverage).toBeCloseTo(4, 3);
    // short: liq where AV − |s|(m − m0) = mmr|s|m → m = m0 (1 + 0.25) / (1 + 0.0625)
    expect(p.liquidationPrice).toBeCloseTo((3000 * 1.25) / 1.0625, 0);
    expect(p.liquidationDistanceBps).toBeCloseTo(1764.7, 0);
    expect(p.fundingCarryUsdPerYear).toBeGreaterThan(0); // shorts earn positive funding
    expect(p.accruedFundingUsd).toBe(-12);
  });

  it("gives a dust perp position (wei left after closing) no margin ratio or leverage instead of ~1e16", () => {
    const perp = { ...makeBook().perp!, sizeBase: -3n, openNotionalQuote: 9_000n };
    const p = perpMetrics(perp);
    expect(p.notionalUsd).toBeLessThan(1e-12);
    expect(p.marginRatio).toBeNull();
    expect(p.leverage).toBe(0);
  });

  it("de-peg: USDT at 0.95 on its feed and its pool is act tier, with exposure and drift against its limit", () => {
    const params = makeParams();
    params.depeg.stablecoins[1]!.limitBps = 20;
    const m = evaluateBook(makeBook({ usdtUsdOracle: 0.95 }), params, NOW_SEC);
    const usdt = m.depeg.find((d) => d.token === USDT.address.toLowerCase())!;
    expect(usdt.sources.map((s) => s.kind)).toEqual(["chainlink", "stable-pool"]);
    expect(usdt.deviationBps).toBeCloseTo(-500, 0);
    expect(usdt.tier).toBe("act");
    expect(usdt.heldUnits).toBe(100_000);
    expect(usdt.depegLossUsd).toBeCloseTo(5_000, 0);
    expect(usdt.driftBps).toBeCloseTo((5_000 / m.bookValueUsd) * 10_000, 1);
    expect(usdt.overLimit).toBe(true);
  });

  it("de-peg: one source alone cannot reach act (oracle and market disagree)", () => {
    const m = evaluateBook(makeBook({ usdtUsdOracle: 0.95, usdtUsdPool: 1 }), makeParams(), NOW_SEC);
    const usdt = m.depeg.find((d) => d.token === USDT.address.toLowerCase())!;
    expect(usdt.divergenceBps).toBeCloseTo(500, 0);
    expect(usdt.tier).not.toBe("act");
  });

  it("flags a stale base oracle without failing the valuation", () => {
    const m = evaluateBook(makeBook({ ethUsdStale: true }), makeParams(), NOW_SEC);
    expect(m.baseOracle.fresh).toBe(false);
    expect(m.baseOracle.problem).toMatch(/heartbeat/);
  });

  it("names the missing tick when a pool snapshot lacks a position's fee growth", () => {
    const book = makeBook();
    const pool = book.pools[0]!;
    if (pool.kind === "uniswap-v3") pool.ticks = [];
    expect(() => evaluateBook(book, makeParams(), NOW_SEC)).toThrow(/missing feeGrowthOutside/);
  });

  it("rejects a negative oracle answer with a typed error", () => {
    const book = makeBook();
    book.baseOracle.answer = -1n;
    expect(() => evaluateBook(book, makeParams(), NOW_SEC)).toThrow(EngineInputError);
  });
});

describe("book evaluation with a Uniswap v2 position", () => {
  it("values a v2 LP share pro rata, with constant-product greeks and σ²/8 LVR", () => {
    const book = makeBook();
    const pair = "0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc" as const;
    const v3Pool = book.pools[0]!;
    if (v3Pool.kind !== "uniswap-v3") throw new Error("the fixture's first pool is v3");
    const [usdc, weth] = [v3Pool.token0, v3Pool.token1];
    book.pools.push({
      kind: "uniswap-v2",
      address: pair,
      token0: usdc,
      token1: weth,
      reserve0: 30_000_000n * 10n ** 6n,
      reserve1: 10_000n * 10n ** 18n,
      totalSupply: 10n ** 18n,
    });
    book.lpPositions = [
      {
        kind: "uniswap-v2",
        pool: pair,
        lpBalance: 10n ** 16n,
        entry: { kind: "amounts", amount0: 300_000n * 10n ** 6n, amount1: 100n * 10n ** 18n },
      },
    ];
    const params = makeParams();
    const lp = evaluateBook(book, params, NOW_SEC).lp[0]!;
    expect(lp.amount0).toBe(300_000n * 10n ** 6n); // 1% of the reserves
    expect(lp.valueUsd).toBeCloseTo(600_000, 6);
    expect(lp.deltaBase).toBeCloseTo(100, 9); // the WETH held
    // Γ = −L / (2 S^1.5) with L = √(x·y) in human units, S the USD price of WETH
    expect(lp.gammaBase).toBeCloseTo(-Math.sqrt(300_000 * 100) / (2 * 3000 ** 1.5), 9);
    expect(lp.lvrRateAnnual).toBeCloseTo(0.6 ** 2 / 8, 12);
    expect(lp.impermanentLossPct).toBeCloseTo(0, 12);
  });
});

describe("hedge ratio without exposure", () => {
  it("reads 0, not dust over dust, when the book holds under a dollar of base exposure", () => {
    const drift = hedgeDrift({
      lpDeltaBase: 1e-15,
      spotDeltaBase: 0,
      hedgeDeltaBase: -2.3e-15,
      basePriceUsd: 3900,
      bookValueUsd: 4_800_000,
      targetHedgeRatio: 0.6,
    });
    expect(drift.hedgeRatio).toBe(0);
    expect(Math.abs(drift.driftBps)).toBeLessThan(1e-9);
    const real = hedgeDrift({
      lpDeltaBase: 100,
      spotDeltaBase: 0,
      hedgeDeltaBase: -60,
      basePriceUsd: 3900,
      bookValueUsd: 4_800_000,
      targetHedgeRatio: 0.6,
    });
    expect(real.hedgeRatio).toBeCloseTo(0.6, 12);
  });
});

describe("book evaluation with a Uniswap v4 position", () => {
  it("counts a native-ETH position as the base asset: its ETH is delta, valued at the ETH/USD oracle, exactly as valueV4Position pays it", () => {
    const book = makeBook();
    const key = {
      currency0: NATIVE_CURRENCY,
      currency1: USDC.address,
      fee: 500,
      tickSpacing: 10,
      hooks: NATIVE_CURRENCY,
    };
    // Mainnet's native ETH/USDC 0.05% pool: keccak256(abi.encode(key)).
    const poolId = "0x21c67e77068de97969ba93d4aab21826d33ca12bb9f565d8496e8fda8a82ca27" as const;
    // 3,000 USDC per ETH: raw USDC per raw wei = 3000·10^6 / 10^18.
    const sqrtPriceX96 = encodeSqrtRatioX96(3_000n * 10n ** 6n, 10n ** 18n);
    const tick = getTickAtSqrtRatio(sqrtPriceX96);
    const [tickLower, tickUpper] = [nearestUsableTick(tick - 2_000, 10), nearestUsableTick(tick + 2_000, 10)];
    book.pools.push({
      kind: "uniswap-v4",
      poolId,
      key,
      currency0: { address: NATIVE_CURRENCY, symbol: "ETH", decimals: 18 },
      currency1: USDC,
      sqrtPriceX96,
      tick,
      lpFee: 500,
      protocolFee: 0,
      liquidity: 10n ** 18n,
      feeGrowthGlobal0X128: 0n,
      feeGrowthGlobal1X128: 0n,
      ranges: [{ tickLower, tickUpper, feeGrowthInside0X128: 1n << 120n, feeGrowthInside1X128: 1n << 110n }],
    });
    const position = {
      kind: "uniswap-v4" as const,
      tokenId: 7n,
      poolId,
      owner: book.safe,
      tickLower,
      tickUpper,
      liquidity: 10n ** 18n,
      feeGrowthInside0LastX128: 0n,
      feeGrowthInside1LastX128: 0n,
      hasSubscriber: false,
      // Entered at today's price: no impermanent loss yet.
      entry: { kind: "sqrtPrice" as const, sqrtPriceX96 },
    };
    book.lpPositions = [position];
    const pool = book.pools.at(-1)!;
    if (pool.kind !== "uniswap-v4") throw new Error("the last pool is the v4 one");
    const paid = valueV4Position(position, pool, { base: WETH.address });

    const metrics = evaluateBook(book, makeParams(), NOW_SEC);
    const lp = metrics.lp[0]!;
    expect(lp.id).toBe("v4:7");
    expect([lp.amount0, lp.amount1, lp.fees0, lp.fees1]).toEqual([
      paid.amount0,
      paid.amount1,
      paid.fees0,
      paid.fees1,
    ]);
    expect(lp.token0).toBe(WETH.address.toLowerCase());
    expect(lp.deltaBase).toBeCloseTo(Number(paid.baseUnits) / 1e18, 12);
    const eth = Number(paid.amount0) / 1e18;
    const usdc = Number(paid.amount1) / 1e6;
    expect(lp.valueUsd).toBeCloseTo(eth * metrics.basePriceUsd + usdc, 6);
    expect(lp.impermanentLossUsd).toBeCloseTo(0, 3);
    expect(lp.gammaBase).toBeLessThan(0);
    expect(lp.lvrUsdPerYear).toBeGreaterThan(0);
    expect(metrics.lpValueUsd).toBeCloseTo(lp.valueUsd, 9);
  });
});
