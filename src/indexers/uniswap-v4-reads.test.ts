import fc from "fast-check";
import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { sdkCore } from "../engine/uniswap-sdk.test-support.ts";
import { v4Sdk } from "../engine/uniswap-v4-sdk.test-support.ts";
import { computeV4PoolId, decodePositionInfo, v4PositionSalt } from "./uniswap-v4-reads.ts";

const ZERO: Address = "0x0000000000000000000000000000000000000000";
const USDC: Address = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const USDT: Address = "0xdAC17F958D2ee523a2206206994597C13D831ec7";

const address = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((bytes) => `0x${Buffer.from(bytes).toString("hex")}` as Address);
const tick = fc.integer({ min: -887272, max: 887272 });

/** PositionInfoLibrary.initialize (v4-periphery), written out: the packing the decoder must invert. */
function packPositionInfo(
  poolId: `0x${string}`,
  tickLower: number,
  tickUpper: number,
  subscribed: boolean,
): bigint {
  const top200 = BigInt(poolId) & (((1n << 200n) - 1n) << 56n);
  const u24 = (t: number) => BigInt(t) & 0xffffffn;
  return top200 | (u24(tickUpper) << 32n) | (u24(tickLower) << 8n) | (subscribed ? 1n : 0n);
}

describe("v4 pool ids and position info", () => {
  it("computes mainnet's pool ids from their keys (native ETH/USDC 0.05%, USDC/USDT 0.001%)", () => {
    expect(
      computeV4PoolId({ currency0: ZERO, currency1: USDC, fee: 500, tickSpacing: 10, hooks: ZERO }),
    ).toBe("0x21c67e77068de97969ba93d4aab21826d33ca12bb9f565d8496e8fda8a82ca27");
    expect(computeV4PoolId({ currency0: USDC, currency1: USDT, fee: 10, tickSpacing: 1, hooks: ZERO })).toBe(
      "0x8aa4e11cbdf30eedc92100f4c8a31ff748e201d44712cc8c90d189edaa8e4e47",
    );
  });

  it("equals the v4-sdk's Pool.getPoolId for any key", () => {
    fc.assert(
      fc.property(
        address,
        address,
        fc.oneof(fc.integer({ min: 0, max: 999_999 }), fc.constant(0x800000)),
        fc.integer({ min: 1, max: 32767 }),
        address,
        (a, c, fee, tickSpacing, hooks) => {
          fc.pre(a.toLowerCase() !== c.toLowerCase() && (fee !== 0x800000 || BigInt(hooks) !== 0n));
          const [currency0, currency1] = BigInt(a) < BigInt(c) ? [a, c] : [c, a];
          const currency = (x: Address) =>
            BigInt(x) === 0n ? sdkCore.Ether.onChain(1) : new sdkCore.Token(1, x, 18, "T");
          const expected = v4Sdk.Pool.getPoolId(
            currency(currency0),
            currency(currency1),
            fee,
            tickSpacing,
            hooks,
          );
          expect(computeV4PoolId({ currency0, currency1, fee, tickSpacing, hooks })).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("unpacks PositionInfo: 25-byte pool id prefix, signed ticks, subscriber flag", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        tick,
        tick,
        fc.boolean(),
        (id, lo, hi, sub) => {
          const poolId = `0x${Buffer.from(id).toString("hex")}` as const;
          const info = decodePositionInfo(packPositionInfo(poolId, lo, hi, sub));
          expect(info).toEqual({
            poolIdPrefix: poolId.slice(0, 52),
            tickLower: lo,
            tickUpper: hi,
            hasSubscriber: sub,
          });
          expect(poolId.startsWith(info.poolIdPrefix)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });

  it("uses the token id as the PoolManager position salt", () => {
    expect(v4PositionSalt(9n)).toBe(`0x${"0".repeat(62)}09`);
  });
});
