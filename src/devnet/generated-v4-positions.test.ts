import { describe, expect, it } from "vitest";
import { DYNAMIC_FEE_FLAG, NO_HOOK } from "../engine/v4-hook-flags.ts";
import { NATIVE_CURRENCY } from "../engine/v4-position.ts";
import { computeV4PoolId } from "../indexers/uniswap-v4-reads.ts";
import { generatedV4Mint, generatedV4PoolKeys } from "./generated-v4-positions.ts";

const QUOTE = "0x5FbDB2315678afecb367f032d93F642f64180aa3";
const BASES = [
  "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
  "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
  "0x0165878A594ca255338adfa4d48449f69242Eb8F",
  "0x2279B7A0a67DB372996a5FaB50D91eAA73d2eBe6",
] as const;
const HOOK = "0xCf48309CE5a3231D8964b49D5544c7229d3f5000";
const SAFE = "0x0837e5255938D5651D463Ce2Bd0e5d060c566655";

describe("generated v4 pools and positions", () => {
  it("gives each base one valid pool key, shapes in turn: native ETH, static fee, hooked dynamic fee", () => {
    const keys = generatedV4PoolKeys({ quote: QUOTE, bases: BASES, hook: HOOK });
    expect(keys.map((k) => BigInt(k.currency0) < BigInt(k.currency1))).toEqual([true, true, true, true]);
    expect(keys[0]).toMatchObject({
      currency0: NATIVE_CURRENCY,
      fee: 3_000,
      tickSpacing: 60,
      hooks: NO_HOOK,
    });
    expect(keys[1]).toMatchObject({ fee: 500, tickSpacing: 10, hooks: NO_HOOK });
    expect([keys[1]!.currency0, keys[1]!.currency1].sort()).toEqual([QUOTE, BASES[1]].sort());
    expect(keys[2]).toMatchObject({ fee: DYNAMIC_FEE_FLAG, tickSpacing: 60, hooks: HOOK });
    expect(keys[3]!.currency0).toBe(NATIVE_CURRENCY);
    expect(new Set(keys.map(computeV4PoolId)).size).toBe(keys.length);
  });

  it("mints widening ranges around price 1, bounded by what one unit of each currency pays", () => {
    const [key] = generatedV4PoolKeys({ quote: QUOTE, bases: BASES, hook: HOOK });
    const mints = [0, 1, 19].map((k) => generatedV4Mint(key!, k, SAFE));
    expect(mints.map((m) => [m.action.tickLower, m.action.tickUpper])).toEqual([
      [-60, 60],
      [-120, 120],
      [-1200, 1200],
    ]);
    for (const m of mints) {
      expect(m.action.owner).toBe(SAFE);
      expect(m.action.amount0Max).toBe(m.amount0);
      expect(m.action.amount1Max).toBe(m.amount1);
      // The most liquidity 10^18 of each funds: the scarcer side is spent to within rounding, neither is exceeded.
      expect(m.amount0 <= 10n ** 18n && m.amount1 <= 10n ** 18n).toBe(true);
      expect(m.amount0 > 10n ** 18n - 10n ** 6n || m.amount1 > 10n ** 18n - 10n ** 6n).toBe(true);
    }
    expect(mints[2]!.action.liquidity).toBeLessThan(mints[0]!.action.liquidity);
  });
});
