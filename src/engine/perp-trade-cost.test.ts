import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.ts";
import { perpTradeCost } from "./perp-trade-cost.ts";
import type { PerpMarketDepth } from "./snapshot.ts";
import { getSqrtRatioAtTick, getTickAtSqrtRatio } from "./tick-math.ts";
import { b, j, sdk, sdkCore } from "./uniswap-sdk.test-support.ts";

const E18 = 10n ** 18n;
const SPACING = 60;
const FEE = 3000; // the market pool's 0.3%, which Perp v2 scales away
const L = 2_000_000n * E18; // about the devnet maker's in-range liquidity near the price

/** A price about 2,995 USD, half-way between the initializable ticks 80,040 and 80,100. */
const SQRT_P = (getSqrtRatioAtTick(80_040) + getSqrtRatioAtTick(80_100)) / 2n;

/**
 * A pool with `L` active at the price, in three ranges: `near` on [79_980, 80_160], a quarter of L on
 * [79_200, 80_940] and the rest on [70_020, 90_000], so a large trade crosses two or three initialized ticks (and,
 * past 76_800, a bitmap word's end: words span 256 × 60 ticks).
 */
const ticksAround = (near: bigint) => [
  { tick: 70_020, liquidityNet: L - near - L / 4n },
  { tick: 79_200, liquidityNet: L / 4n },
  { tick: 79_980, liquidityNet: near },
  { tick: 80_160, liquidityNet: -near },
  { tick: 80_940, liquidityNet: -(L / 4n) },
  { tick: 90_000, liquidityNet: -(L - near - L / 4n) },
];
const inside = (known: { lower: number; upper: number }) =>
  ticksAround(L / 2n).filter((t) => t.tick >= known.lower && t.tick <= known.upper);
const NARROW = { lower: 79_980, upper: 80_160 };

const depthWith = (
  ticks: { tick: number; liquidityNet: bigint }[],
  known = { lower: 69_000, upper: 91_020 },
) =>
  ({
    pool: "0x00000000000000000000000000000000000000aa",
    sqrtPriceX96: SQRT_P,
    tick: getTickAtSqrtRatio(SQRT_P),
    liquidity: L,
    tickSpacing: SPACING,
    feePips: FEE,
    initializedTicks: ticks,
    knownTicks: known,
  }) satisfies PerpMarketDepth;
const DEPTH = depthWith(ticksAround(L / 2n));

/**
 * The independent computation: the Uniswap v3 SDK's Pool (a port of v3-core's swap loop, TickList for the bitmap
 * words) with the pool's 0.3% fee, and Perp v2's scaling around it (Exchange._swap): a sale swaps the base scaled
 * up by the fee and exchanges the quote out; a purchase takes the quote in, scaled down by the fee.
 */
async function sdkPerpQuote(
  ticks: { tick: number; liquidityNet: bigint }[],
  amountBase: bigint,
  baseIn: boolean,
  from: { sqrtPriceX96: bigint; tick: number } = { sqrtPriceX96: SQRT_P, tick: getTickAtSqrtRatio(SQRT_P) },
  liquidity = L,
): Promise<bigint> {
  const base = new sdkCore.Token(1, "0x0000000000000000000000000000000000000001", 18);
  const quote = new sdkCore.Token(1, "0x0000000000000000000000000000000000000002", 18);
  const sdkTicks = ticks.map(
    (t) =>
      new sdk.Tick({
        index: t.tick,
        liquidityGross: j(t.liquidityNet < 0n ? -t.liquidityNet : t.liquidityNet),
        liquidityNet: j(t.liquidityNet),
      }),
  );
  const pool = new sdk.Pool(base, quote, FEE, j(from.sqrtPriceX96), j(liquidity), from.tick, sdkTicks);
  if (baseIn) {
    const scaled = (amountBase * 1_000_000n + 997_000n - 1n) / 997_000n;
    const [out] = await pool.getOutputAmount(sdkCore.CurrencyAmount.fromRawAmount(base, j(scaled)));
    return b(out.quotient);
  }
  const [paid] = await pool.getInputAmount(sdkCore.CurrencyAmount.fromRawAmount(base, j(amountBase)));
  return (b(paid.quotient) * 997_000n) / 1_000_000n;
}

describe("perpTradeCost", () => {
  const trade = (amountBase: bigint, isBaseToQuote: boolean, depth: PerpMarketDepth = DEPTH) =>
    perpTradeCost(depth, { amountBase, isBaseToQuote, feeBps: 10, toleranceBps: 100 });
  const base = (whole: string) => BigInt(Math.round(Number(whole) * 1e6)) * 10n ** 12n;

  for (const whole of ["0.01", "1", "20"]) {
    it(`prices a ${whole}-base sale and purchase inside the price's range exactly as the SDK's pool swaps`, async () => {
      for (const isBaseToQuote of [true, false]) {
        const cost = trade(base(whole), isBaseToQuote);
        expect(cost.withinKnownRange).toBe(true);
        expect(cost.ticksCrossed).toBe(0);
        expect(cost.exchangedQuote).toBe(await sdkPerpQuote(ticksAround(L / 2n), base(whole), isBaseToQuote));
        const impact = isBaseToQuote
          ? cost.spotQuote - cost.exchangedQuote
          : cost.exchangedQuote - cost.spotQuote;
        expect(cost.impactUsd).toBeCloseTo(Number(impact) / 1e18, 9);
        expect(cost.feeUsd).toBeCloseTo((Number(cost.exchangedQuote) / 1e18) * 0.001, 6);
      }
    });
  }

  for (const whole of ["200", "1500", "4000"]) {
    it(`prices a ${whole}-base sale and purchase across initialized ticks to the wei of the SDK's pool swap`, async () => {
      for (const isBaseToQuote of [true, false]) {
        const cost = trade(base(whole), isBaseToQuote);
        expect(cost.withinKnownRange).toBe(true);
        expect(cost.ticksCrossed).toBeGreaterThanOrEqual(whole === "200" ? 1 : 2);
        expect(cost.exchangedQuote).toBe(await sdkPerpQuote(ticksAround(L / 2n), base(whole), isBaseToQuote));
      }
    });
  }

  it("costs more across thinner ticks than a constant-liquidity estimate would (the old edge bound's blind spot)", () => {
    const thin = trade(base("1500"), true);
    const constant = trade(base("1500"), true, depthWith([]));
    expect(constant.ticksCrossed).toBe(0);
    expect(thin.impactUsd).toBeGreaterThan(constant.impactUsd);
  });

  it("walks on from a tick just crossed downward (slot0 reads T − 1 at exactly √P(T))", async () => {
    const at = { sqrtPriceX96: getSqrtRatioAtTick(79_980), tick: 79_979 };
    // Below 79_980 only the wide range's liquidity is active.
    const depth = { ...DEPTH, ...at, liquidity: L / 2n };
    for (const isBaseToQuote of [true, false]) {
      const cost = trade(base("5"), isBaseToQuote, depth);
      expect(cost.withinKnownRange).toBe(true);
      expect(cost.exchangedQuote).toBe(
        await sdkPerpQuote(ticksAround(L / 2n), base("5"), isBaseToQuote, at, L / 2n),
      );
    }
    expect(trade(base("5"), false, depth).ticksCrossed).toBe(1); // a purchase crosses 79_980 back at once
  });

  it("bounds a trade that leaves the ticks read conservatively, never cheaper than the true fill", async () => {
    const narrow = depthWith(inside(NARROW), NARROW);
    // Positive control: inside the narrow window it is exact.
    expect(trade(base("100"), true, narrow).withinKnownRange).toBe(true);
    for (const isBaseToQuote of [true, false]) {
      const cost = trade(base("200"), isBaseToQuote, narrow);
      expect(cost.withinKnownRange).toBe(false);
      expect(cost.ticksCrossed).toBe(0);
      const truth = await sdkPerpQuote(ticksAround(L / 2n), base("200"), isBaseToQuote);
      if (isBaseToQuote) expect(cost.exchangedQuote).toBeLessThanOrEqual(truth);
      else expect(cost.exchangedQuote).toBeGreaterThanOrEqual(truth);
    }
    // The tolerance bound: the worst fill the plan lets mine, when continuing the known liquidity is kinder.
    const sale = trade(base("200"), true, narrow);
    expect(sale.exchangedQuote).toBe((sale.spotQuote * 9_900n) / 10_000n);
  });

  it("takes the continued walk when it is worse than the tolerance", async () => {
    const narrow = depthWith(inside(NARROW), NARROW);
    const cost = perpTradeCost(narrow, {
      amountBase: base("1500"),
      isBaseToQuote: true,
      feeBps: 10,
      toleranceBps: 10,
    });
    expect(cost.withinKnownRange).toBe(false);
    // Continued: no initialized tick beyond the window, so past 79_980 the liquidity is what crossing it leaves.
    const continued = [
      { tick: -887_220, liquidityNet: L / 2n },
      ...inside(NARROW),
      { tick: 887_220, liquidityNet: -(L / 2n) },
    ];
    expect(cost.exchangedQuote).toBe(await sdkPerpQuote(continued, base("1500"), true));
    expect(cost.impactBps).toBeGreaterThan(10);
  });

  it("rejects bad depth or trade input naming the field", () => {
    const bad =
      (depth: Partial<PerpMarketDepth>, amountBase = E18, toleranceBps = 50) =>
      () =>
        perpTradeCost({ ...DEPTH, ...depth }, { amountBase, isBaseToQuote: true, feeBps: 10, toleranceBps });
    expect(bad({ tickSpacing: 0 })).toThrow(/marketDepth\.tickSpacing/);
    expect(bad({ tick: 900_000 })).toThrow(/marketDepth\.tick/);
    expect(bad({ liquidity: -1n })).toThrow(/marketDepth\.liquidity/);
    expect(bad({ feePips: 1_000_000 })).toThrow(/marketDepth\.feePips/);
    expect(bad({ knownTicks: { lower: 80_100, upper: 85_020 } })).toThrow(/marketDepth\.knownTicks/);
    expect(bad({ initializedTicks: [...ticksAround(L / 2n)].reverse() })).toThrow(
      /marketDepth\.initializedTicks/,
    );
    expect(bad({ initializedTicks: [{ tick: 80_001, liquidityNet: 1n }] })).toThrow(
      /marketDepth\.initializedTicks/,
    );
    expect(bad({}, 0n)).toThrow(/amountBase/);
    expect(bad({}, E18, 10_000)).toThrow(EngineInputError);
    expect(bad({})).not.toThrow();
  });
});
