import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { mintAmounts, positionAmounts } from "../engine/position-amounts.ts";
import type { TokenRef } from "../engine/snapshot.ts";
import { getSqrtRatioAtTick } from "../engine/tick-math.ts";
import type { ChangeLog } from "./book-changes.ts";
import { v4PrincipalFlowsAmong } from "./v4-principal-flows.ts";

const POOL_MANAGER: Address = "0x000000000004444c5dc75cB358380D2e3dE08A90";
const POSITION_MANAGER: Address = "0xbD216513d74C8cf14cf4747E6AaA6420FF64ee9e";
const OTHER: Address = "0x0000000000000000000000000000000000000Bad";
const ETH: TokenRef = { address: "0x0000000000000000000000000000000000000000", symbol: "ETH", decimals: 18 };
const USDC: TokenRef = { address: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", symbol: "USDC", decimals: 6 };
const POOL = `0x${"21".repeat(32)}`;
const TX_A = `0x${"aa".repeat(32)}` as const;
const TX_B = `0x${"bb".repeat(32)}` as const;
const RANGE = { tickLower: -200_100, tickUpper: -195_000 };
const L = 4_000_000_000_000_000n;
const positions = new Map([[9n, { poolId: POOL, ...RANGE, currency0: ETH, currency1: USDC }]]);
const salt = (tokenId: bigint) => `0x${tokenId.toString(16).padStart(64, "0")}`;

function modify(
  block: number,
  logIndex: number,
  tx: `0x${string}`,
  liquidityDelta: bigint,
  sender = POSITION_MANAGER,
) {
  return log("ModifyLiquidity", block, logIndex, tx, {
    id: POOL,
    sender,
    ...RANGE,
    liquidityDelta,
    salt: salt(9n),
  });
}
function swap(block: number, logIndex: number, tick: number): ChangeLog {
  return log("Swap", block, logIndex, `0x${"cc".repeat(32)}`, {
    id: POOL,
    sqrtPriceX96: getSqrtRatioAtTick(tick) + 12_345n, // inside (tick, tick + 1): as a pool keeps it
    tick,
  });
}
function log(
  eventName: string,
  block: number,
  logIndex: number,
  transactionHash: `0x${string}`,
  args: Record<string, unknown>,
): ChangeLog {
  return { address: POOL_MANAGER, eventName, args, blockNumber: BigInt(block), logIndex, transactionHash };
}
const at = (tick: number) => ({ sqrtPriceX96: getSqrtRatioAtTick(tick) + 12_345n, tick });
const input = (cachedTick: number, fees?: { fees0: bigint; fees1: bigint }) => ({
  poolManager: POOL_MANAGER,
  positionManager: POSITION_MANAGER,
  positions,
  cachedPrices: new Map([[POOL, at(cachedTick)]]),
  cachedFeesOwed: new Map(fees === undefined ? [] : [[9n, fees]]),
});

describe("v4PrincipalFlowsAmong", () => {
  // Inside, below and above the range: the amounts equal the engine's position value math at that price.
  for (const [where, tick] of [
    ["inside", -197_000],
    ["below", -201_000],
    ["above", -194_000],
  ] as const) {
    it(`values a decrease at a price ${where} the range as burning that liquidity pays (rounded down)`, () => {
      const [flow] = v4PrincipalFlowsAmong([modify(10, 3, TX_A, -L)], input(tick));
      const expected = positionAmounts({ ...at(tick), tickCurrent: tick, ...RANGE, liquidity: L });
      expect(flow!.principal0).toBe(expected.amount0);
      expect(flow!.principal1).toBe(expected.amount1);
      expect(where === "inside" ? expected.amount0 > 0n && expected.amount1 > 0n : true).toBe(true);
      expect(where === "below" ? expected.amount1 : where === "above" ? expected.amount0 : 0n).toBe(0n);
      expect(flow!.position).toBe("uniswap-v4:9");
      expect([flow!.token0, flow!.token1]).toEqual([ETH, USDC]);
    });
  }

  it("values an increase as a deposit (a negative withdrawal) at what minting costs (rounded up)", () => {
    const [flow] = v4PrincipalFlowsAmong([modify(10, 3, TX_A, L)], input(-197_000));
    const cost = mintAmounts({ ...at(-197_000), tickCurrent: -197_000, ...RANGE, liquidity: L });
    expect([flow!.principal0, flow!.principal1]).toEqual([-cost.amount0, -cost.amount1]);
    // Positive control of the rounding: minting costs at least what burning the same liquidity pays.
    const burn = positionAmounts({ ...at(-197_000), tickCurrent: -197_000, ...RANGE, liquidity: L });
    expect(cost.amount0 - burn.amount0 + cost.amount1 - burn.amount1).toBeGreaterThan(0n);
  });

  it("prices a change at the last swap of the pool before it, not the cached price", () => {
    const logs = [modify(11, 7, TX_A, -L), swap(11, 2, -201_000), swap(11, 9, -194_000)]; // out of order
    const [flow] = v4PrincipalFlowsAmong(logs, input(-197_000));
    const below = positionAmounts({ ...at(-201_000), tickCurrent: -201_000, ...RANGE, liquidity: L });
    expect([flow!.principal0, flow!.principal1]).toEqual([below.amount0, below.amount1]);
    expect(flow!.principal1).toBe(0n);
  });

  it("adds the cached fees owed to the position's first change only, and nets a transaction's changes", () => {
    const fees = { fees0: 7n * 10n ** 15n, fees1: 21_000_000n };
    const flows = v4PrincipalFlowsAmong(
      [modify(12, 1, TX_B, -L / 2n), modify(10, 3, TX_A, -L), modify(10, 4, TX_A, L / 4n)],
      input(-197_000, fees),
    );
    expect(flows.map((f) => f.transactionHash)).toEqual([TX_A, TX_B]);
    const burn = (l: bigint) =>
      positionAmounts({ ...at(-197_000), tickCurrent: -197_000, ...RANGE, liquidity: l });
    const mint = mintAmounts({ ...at(-197_000), tickCurrent: -197_000, ...RANGE, liquidity: L / 4n });
    expect(flows[0]!.principal0).toBe(burn(L).amount0 - mint.amount0);
    expect(flows[0]!.principal1).toBe(burn(L).amount1 - mint.amount1);
    expect([flows[0]!.feesCollected0, flows[0]!.feesCollected1]).toEqual([fees.fees0, fees.fees1]);
    expect(flows[0]!.logIndex).toBe(3);
    expect([flows[1]!.feesCollected0, flows[1]!.feesCollected1]).toEqual([0n, 0n]);
    expect(flows[1]!.principal0).toBe(burn(L / 2n).amount0);
  });

  it("records the principal only when the cache does not know the fees owed", () => {
    const [flow] = v4PrincipalFlowsAmong([modify(10, 3, TX_A, -L)], input(-197_000));
    expect([flow!.feesCollected0, flow!.feesCollected1]).toEqual([0n, 0n]);
    expect(flow!.principal0).toBeGreaterThan(0n);
  });

  it("ignores another sender's liquidity, another position and other contracts", () => {
    const mine = modify(10, 3, TX_A, -L);
    const logs = [
      modify(10, 4, TX_B, -L, OTHER),
      { ...mine, args: { ...mine.args, salt: salt(10n) } },
      { ...mine, address: OTHER },
    ];
    expect(v4PrincipalFlowsAmong(logs, input(-197_000))).toEqual([]);
    expect(v4PrincipalFlowsAmong([...logs, mine], input(-197_000))).toHaveLength(1); // positive control
  });

  it("refuses a change it cannot price rather than recording a zero", () => {
    const unpriced = { ...input(-197_000), cachedPrices: new Map() };
    expect(() => v4PrincipalFlowsAmong([modify(10, 3, TX_A, -L)], unpriced)).toThrow(/no price for v4 pool/);
  });
});
