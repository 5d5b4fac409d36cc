import { describe, expect, it } from "vitest";
import { MalformedReturnDataError } from "../chain/errors.ts";
import { createPerpV2Venue, nextBlockDepthWindow, reachableTickWindow } from "./perp-v2-venue.ts";

const MARKET = "0x2B15063A6F8a11d18404C801F295b1d19dCC8574";
const POOL = "0x18a011f65C19874b7210eE886Fa06ef51dF21190";
const USDC = { address: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", symbol: "USDC", decimals: 6 } as const;
const E18 = 10n ** 18n;
const venue = createPerpV2Venue(
  {
    clearingHouse: "0x0000000000000000000000000000000000000001",
    clearingHouseConfig: "0x0000000000000000000000000000000000000002",
    accountBalance: "0x0000000000000000000000000000000000000003",
    vault: "0x0000000000000000000000000000000000000004",
    exchange: "0x0000000000000000000000000000000000000005",
    marketPool: POOL,
  },
  { twapIntervalSec: 900 },
);
const SQRT_P = 4331913028104587679929952682098n; // the devnet market at tick 80,032 (about 2,989.5 USD)

/** The batch's answers in positionReads' order: the position's, then the market pool's. */
function answers(
  pool: {
    slot0?: unknown;
    liquidity?: bigint;
    tickSpacing?: number;
    token0?: string;
    fee?: number;
    maxTickCrossed?: number;
  } = {},
) {
  return [
    -60n * E18,
    180_000n * E18,
    50_000n * E18,
    20_000n * 10n ** 6n,
    50_000n * 10n ** 6n,
    0n,
    3_000n * E18,
    3_000n * E18,
    SQRT_P,
    3_000n * E18,
    62_500,
    100_000,
    [0n, 0n, 0n],
    pool.slot0 ?? [SQRT_P, 80_032, 1, 250, 250, 0, true],
    pool.liquidity ?? 2_437_299n * E18,
    pool.tickSpacing ?? 60,
    pool.token0 ?? MARKET.toLowerCase(),
    pool.fee ?? 3000,
    pool.maxTickCrossed ?? 1000,
  ];
}

/** A ticks() answer: (liquidityGross, liquidityNet, …, initialized). */
const tickInfo = (liquidityNet: bigint, initialized = true) => [
  liquidityNet < 0n ? -liquidityNet : liquidityNet,
  liquidityNet,
  0n,
  0n,
  0n,
  0n,
  0,
  initialized,
];

describe("the Perp v2 venue's market depth", () => {
  it("reads the market pool's slot0, liquidity, spacing and fee and the market's tick limit in the position's batch", () => {
    const reads = venue.positionReads("0x00000000000000000000000000000000000000aa", MARKET);
    expect(reads.slice(-6).map((r) => [r.address, r.functionName])).toEqual([
      [POOL, "slot0"],
      [POOL, "liquidity"],
      [POOL, "tickSpacing"],
      [POOL, "token0"],
      [POOL, "fee"],
      ["0x0000000000000000000000000000000000000005", "getMaxTickCrossedWithinBlock"],
    ]);
  });

  it("then reads ticks() of every spacing multiple a trade can reach in a block, and keeps the initialized ones", () => {
    const draft = venue.decodePosition(answers(), { market: MARKET, settlementToken: USDC });
    // Tick 80,032, 1,000 ticks each way: multiples of 60 from ⌊79,032/60⌋·60 = 79,020 to ⌊81,032/60⌋·60 + 60 = 81,060.
    const ticks = draft.depthReads.map((r) => r.args?.[0]);
    expect(draft.depthReads.every((r) => r.address === POOL && r.functionName === "ticks")).toBe(true);
    expect(ticks[0]).toBe(79_020);
    expect(ticks.at(-1)).toBe(81_060);
    expect(ticks).toHaveLength((81_060 - 79_020) / 60 + 1);
    const answersOfTicks = ticks.map((t) =>
      t === 79_980 ? tickInfo(5n * E18) : t === 80_100 ? tickInfo(-5n * E18) : tickInfo(0n, false),
    );
    const perp = draft.complete(answersOfTicks);
    expect(perp.marketDepth).toEqual({
      pool: POOL,
      sqrtPriceX96: SQRT_P,
      tick: 80_032,
      liquidity: 2_437_299n * E18,
      tickSpacing: 60,
      feePips: 3000,
      initializedTicks: [
        { tick: 79_980, liquidityNet: 5n * E18 },
        { tick: 80_100, liquidityNet: -5n * E18 },
      ],
      knownTicks: { lower: 79_020, upper: 81_060 },
    });
    expect(() => draft.complete(answersOfTicks.slice(1))).toThrow(MalformedReturnDataError);
    expect(() => draft.complete(answersOfTicks.map(() => "0x"))).toThrow(/ticks\(\) struct/);
  });

  it("takes the depth from the window the main round prefetched when it covers every reachable tick, and asks for the ticks again when it does not: the same snapshot either way", () => {
    // The pool's initialized ticks, whatever the window read.
    const tickAnswer = (t: number) =>
      t === 79_980 ? tickInfo(5n * E18) : t === 80_100 ? tickInfo(-5n * E18) : tickInfo(0n, false);
    const context = { market: MARKET, settlementToken: USDC } as const;
    const unhinted = venue.decodePosition(answers(), context);
    const expected = unhinted.complete(unhinted.depthReads.map((r) => tickAnswer(r.args?.[0] as number)));
    const prefetch = (window: ReturnType<typeof nextBlockDepthWindow>) => {
      const reads = venue.depthWindowReads(window);
      expect(reads.every((r) => r.address === POOL && r.functionName === "ticks")).toBe(true);
      return { window, values: reads.map((r) => tickAnswer(r.args?.[0] as number)) };
    };

    // The last snapshot's price moved the most a block allows (1,000 ticks): its window still covers this one.
    const hint = nextBlockDepthWindow(80_032 - 1_000, 60, 1_000);
    expect(hint).toEqual({ lower: 76_980, upper: 81_060, tickSpacing: 60 });
    const hinted = venue.decodePosition(answers(), context, prefetch(hint));
    expect(hinted.depthReads).toEqual([]);
    expect(hinted.complete([])).toEqual(expected);

    // Positive control: a price 1,100 ticks away (blocks skipped) leaves 81,060 out: every reachable tick is read.
    const missed = venue.decodePosition(
      answers(),
      context,
      prefetch(nextBlockDepthWindow(80_032 - 1_100, 60, 1_000)),
    );
    expect(missed.depthReads.map((r) => r.args?.[0])).toEqual(unhinted.depthReads.map((r) => r.args?.[0]));
    expect(missed.complete(missed.depthReads.map((r) => tickAnswer(r.args?.[0] as number)))).toEqual(
      expected,
    );
    // A window of another spacing is not trusted either.
    const otherSpacing = venue.decodePosition(
      answers(),
      context,
      prefetch({ lower: 77_000, upper: 83_000, tickSpacing: 200 }),
    );
    expect(otherSpacing.depthReads).toHaveLength(unhinted.depthReads.length);

    // The window for the next block, and a prefetch whose answers do not match its window, an error.
    expect(hinted.nextDepthWindow).toEqual({ lower: 78_000, upper: 82_080, tickSpacing: 60 });
    const short = { window: hint, values: prefetch(hint).values.slice(1) };
    expect(() => venue.decodePosition(answers(), context, short)).toThrow(/wrong number of ticks/);
  });

  it("caps the window a fine spacing would make huge, and reads only the tick itself when the market allows no move", () => {
    expect(reachableTickWindow(80_032, 1, 1_000)).toEqual({ lower: 80_032 - 127, upper: 80_032 + 128 });
    expect(reachableTickWindow(80_032, 60, 0)).toEqual({ lower: 79_980, upper: 80_040 });
    expect(reachableTickWindow(-80_032, 60, 1_000)).toEqual({ lower: -81_060, upper: -79_020 });
  });

  it("refuses a pool whose token0 is not the market's base token, a zero price and no spacing, as bad answers", () => {
    const decode = (pool: Parameters<typeof answers>[0]) => () =>
      venue.decodePosition(answers(pool), { market: MARKET, settlementToken: USDC });
    expect(decode({ token0: "0x2B574555158337Cd46d47c2Ca57E4698A1f04e70" })).toThrow(
      MalformedReturnDataError,
    );
    expect(decode({ token0: "0x2B574555158337Cd46d47c2Ca57E4698A1f04e70" })).toThrow(/token0/);
    expect(decode({ slot0: [0n, 0, 0, 0, 0, 0, false] })).toThrow(/zero price/);
    expect(decode({ tickSpacing: 0 })).toThrow(MalformedReturnDataError);
    expect(decode({ slot0: "0x" })).toThrow(/no slot0/);
    expect(decode({ fee: 1_000_000 })).toThrow(/fee/);
    expect(decode({ maxTickCrossed: -1 })).toThrow(/maxTickCrossedWithinBlock/);
    expect(decode({})).not.toThrow(); // positive control
  });
});
