import { describe, expect, it } from "vitest";
import { MalformedReturnDataError } from "../chain/errors.ts";
import type { ContractRead } from "../chain/read-at-block.ts";
import { createPerpV2Venue, nextBlockDepthWindow, reachableTickWindow } from "./perp-v2-venue.ts";
import type { PerpDepthHint } from "./perp-venue.ts";

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
    const { perp, nextDepthHint } = draft.complete(answersOfTicks);
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
    // The next block's window is twice as wide; the ticks known initialized in it are this read's.
    expect(nextDepthHint).toEqual({
      window: { lower: 78_000, upper: 82_080, tickSpacing: 60 },
      initializedTicks: [79_980, 80_100],
    });
    expect(() => draft.complete(answersOfTicks.slice(1))).toThrow(MalformedReturnDataError);
    expect(() => draft.complete(answersOfTicks.map(() => "0x"))).toThrow(/ticks\(\) struct/);
  });

  describe("with the last snapshot's hint prefetched in the main round", () => {
    const context = { market: MARKET, settlementToken: USDC } as const;
    /** The pool's initialized ticks (tick → liquidityNet), answering both tickBitmap(word) and ticks(i). */
    const poolAnswering = (initialized: ReadonlyMap<number, bigint>) => (read: ContractRead) => {
      const [arg] = read.args as [number];
      if (read.functionName === "ticks") {
        const net = initialized.get(arg);
        return net === undefined ? tickInfo(0n, false) : tickInfo(net);
      }
      expect(read.functionName).toBe("tickBitmap");
      let word = 0n;
      for (const tick of initialized.keys()) {
        const compressed = tick / 60;
        if (compressed >> 8 === arg) word |= 1n << BigInt(compressed & 255);
      }
      return word;
    };
    const twoTicks = new Map([
      [79_980, 5n * E18],
      [80_100, -5n * E18],
    ]);
    const prefetch = (hint: PerpDepthHint, pool = twoTicks) => ({
      hint,
      values: venue.depthHintReads(hint).map(poolAnswering(pool)),
    });
    /** The snapshot read whole, without a hint. */
    const unhinted = (pool = twoTicks) => {
      const draft = venue.decodePosition(answers(), context);
      return draft.complete(draft.depthReads.map(poolAnswering(pool))).perp;
    };
    // The last snapshot's price moved the most a block allows (1,000 ticks): its window still covers this one.
    const hint: PerpDepthHint = {
      window: nextBlockDepthWindow(80_032 - 1_000, 60, 1_000),
      initializedTicks: [79_980, 80_100],
    };

    it("reads the window's bitmap words and the ticks known initialized, not every multiple of the spacing", () => {
      expect(hint.window).toEqual({ lower: 76_980, upper: 81_060, tickSpacing: 60 });
      // Compressed ticks 1,283..1,351: words 5 (1,280–1,535) only.
      expect(venue.depthHintReads(hint).map((r) => [r.functionName, r.args?.[0]])).toEqual([
        ["tickBitmap", 5],
        ["ticks", 79_980],
        ["ticks", 80_100],
      ]);
      const hinted = venue.decodePosition(answers(), context, prefetch(hint));
      expect(hinted.depthReads).toEqual([]);
      const { perp, nextDepthHint } = hinted.complete([]);
      expect(perp).toEqual(unhinted());
      expect(nextDepthHint).toEqual({
        window: { lower: 78_000, upper: 82_080, tickSpacing: 60 },
        initializedTicks: [79_980, 80_100],
      });
      // Negative ticks: word −1 holds compressed −1 at bit 255 (uint8(−1 % 256) in TickBitmap.position).
      expect(
        venue.depthHintReads({ window: { lower: -120, upper: 60, tickSpacing: 60 }, initializedTicks: [] }),
      ).toMatchObject([{ args: [-1] }, { args: [0] }]);
    });

    it("reads in one more round only a tick initialized since the hint, and forgets one no longer initialized", () => {
      const threeTicks = new Map([...twoTicks, [80_400, 3n * E18]]);
      const grown = venue.decodePosition(answers(), context, prefetch(hint, threeTicks));
      expect(grown.depthReads.map((r) => [r.functionName, r.args?.[0]])).toEqual([["ticks", 80_400]]);
      const { perp } = grown.complete(grown.depthReads.map(poolAnswering(threeTicks)));
      expect(perp).toEqual(unhinted(threeTicks));
      expect(perp.marketDepth.initializedTicks.map((t) => t.tick)).toEqual([79_980, 80_100, 80_400]);

      const oneTick = new Map([[80_100, -5n * E18]]);
      const shrunk = venue.decodePosition(answers(), context, prefetch(hint, oneTick));
      expect(shrunk.depthReads).toEqual([]);
      expect(shrunk.complete([]).perp).toEqual(unhinted(oneTick));
    });

    it("reads the window whole when the hint does not hold it: the same snapshot either way", () => {
      const whole = venue.decodePosition(answers(), context).depthReads.map((r) => r.args?.[0]);
      // A price 1,100 ticks away (blocks skipped) leaves 81,060 out of the hint's window.
      const far = { window: nextBlockDepthWindow(80_032 - 1_100, 60, 1_000), initializedTicks: [79_980] };
      const missed = venue.decodePosition(answers(), context, prefetch(far));
      expect(missed.depthReads.map((r) => r.args?.[0])).toEqual(whole);
      expect(missed.complete(missed.depthReads.map(poolAnswering(twoTicks))).perp).toEqual(unhinted());
      // A window of another spacing is not trusted either.
      const other = { window: { lower: 77_000, upper: 83_000, tickSpacing: 200 }, initializedTicks: [] };
      expect(venue.decodePosition(answers(), context, prefetch(other)).depthReads).toHaveLength(whole.length);
    });

    it("refuses answers that do not describe one pool at one block", () => {
      const short = { hint, values: prefetch(hint).values.slice(1) };
      expect(() => venue.decodePosition(answers(), context, short)).toThrow(/wrong number of ticks/);
      // The bitmap marks 79,980 initialized while its ticks() answer says it is not.
      const values: unknown[] = prefetch(hint).values.slice();
      values[1] = tickInfo(0n, false);
      const draft = venue.decodePosition(answers(), context, { hint, values });
      expect(() => draft.complete([])).toThrow(/bitmap and ticks\(\) disagree/);
      const notAWord: unknown[] = prefetch(hint).values.slice();
      notAWord[0] = "0x01";
      expect(() => venue.decodePosition(answers(), context, { hint, values: notAWord })).toThrow(
        /bitmap word/,
      );
    });
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
