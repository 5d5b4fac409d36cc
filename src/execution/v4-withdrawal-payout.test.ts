import { type Address, encodeAbiParameters, encodeEventTopics, erc20Abi, type Hex, numberToHex } from "viem";
import { describe, expect, it } from "vitest";
import { POOL_MANAGER_V4_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import type { V4DecreaseLiquidityAction } from "../engine/plan.ts";
import { ExecutionReceiptError } from "./realized-execution.ts";
import { v4DecreasesOf, v4WithdrawalPayout } from "./v4-withdrawal-payout.ts";

// A receipt's logs built with the events' own ABIs: v4-core's ModifyLiquidity and the ERC-20 Transfers TAKE_PAIR makes.
const POOL_MANAGER: Address = "0x000000000004444c5dc75cb358380d2e3de08a90";
const POSITION_MANAGER: Address = "0xbd216513d74c8cf14cf4747e6aaa6420ff64ee9e";
const SAFE: Address = "0x5afe000000000000000000000000000000005afe";
const OTHER: Address = "0x0000000000000000000000000000000000000bad";
const USDC: Address = "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48";
const USDT: Address = "0xdac17f958d2ee523a2206206994597c13d831ec7";
const POOL_ID: Hex = `0x${"11".repeat(32)}`;
const TOKEN_ID = 7n;
const LIQUIDITY = 5_000_000_000n;
const Q128 = 1n << 128n;

const action: V4DecreaseLiquidityAction = {
  kind: "uniswapV4.decreaseLiquidity",
  venue: "uniswap-v4",
  tokenId: TOKEN_ID,
  liquidity: LIQUIDITY,
  amount0Min: 0n,
  amount1Min: 0n,
  currency0: USDC,
  currency1: USDT,
};
const plan = { planId: `0x${"aa".repeat(32)}` as const, actions: [action] };

function modifyLiquidity(input: { sender?: Address; liquidityDelta?: bigint; tokenId?: bigint } = {}) {
  return {
    address: POOL_MANAGER,
    topics: encodeEventTopics({
      abi: POOL_MANAGER_V4_ABI,
      eventName: "ModifyLiquidity",
      args: { id: POOL_ID, sender: input.sender ?? POSITION_MANAGER },
    }) as Hex[],
    data: encodeAbiParameters(
      [{ type: "int24" }, { type: "int24" }, { type: "int256" }, { type: "bytes32" }],
      [-60, 60, input.liquidityDelta ?? -LIQUIDITY, numberToHex(input.tokenId ?? TOKEN_ID, { size: 32 })],
    ),
  };
}

function transfer(token: Address, from: Address, to: Address, value: bigint) {
  return {
    address: token,
    topics: encodeEventTopics({ abi: erc20Abi, eventName: "Transfer", args: { from, to } }) as Hex[],
    data: encodeAbiParameters([{ type: "uint256" }], [value]),
  };
}

const receipt = (logs: ReturnType<typeof transfer>[]) => ({
  transactionHash: `0x${"cd".repeat(32)}` as Hex,
  logs,
});
// Fee growth inside moved by 3 and 5 units per liquidity × 2^128 since the position's last update.
const states = [
  {
    before: {
      liquidity: LIQUIDITY,
      feeGrowthInside0LastX128: 10n * Q128,
      feeGrowthInside1LastX128: 20n * Q128,
    },
    after: { liquidity: 0n, feeGrowthInside0LastX128: 13n * Q128, feeGrowthInside1LastX128: 25n * Q128 },
  },
];

describe("v4 withdrawal payout", () => {
  it("splits what the PoolManager paid the Safe into principal and the fees Position.update credited", () => {
    const logs = [
      modifyLiquidity(),
      transfer(USDC, POOL_MANAGER, SAFE, 60_000_000_000n + 3n * LIQUIDITY),
      transfer(USDT, POOL_MANAGER, SAFE, 40_000_000_000n + 5n * LIQUIDITY),
      // Not the withdrawal's: the Safe selling USDC on and being paid by someone else.
      transfer(USDC, SAFE, OTHER, 1_000_000n),
      transfer(USDT, OTHER, SAFE, 999_000n),
    ];
    const decreases = v4DecreasesOf(plan, receipt(logs), { positionManager: POSITION_MANAGER });
    expect(decreases).toEqual([
      expect.objectContaining({ poolManager: POOL_MANAGER, poolId: POOL_ID, tickLower: -60, tickUpper: 60 }),
    ]);
    expect(v4WithdrawalPayout(decreases, receipt(logs), states, SAFE)).toEqual([
      { currency: USDC, principal: 60_000_000_000n, fees: 3n * LIQUIDITY },
      { currency: USDT, principal: 40_000_000_000n, fees: 5n * LIQUIDITY },
    ]);
  });

  it("finds no decrease in another sender's or another size's ModifyLiquidity: an error naming the position", () => {
    for (const event of [
      modifyLiquidity({ sender: OTHER }),
      modifyLiquidity({ liquidityDelta: -LIQUIDITY + 1n }),
      modifyLiquidity({ tokenId: TOKEN_ID + 1n }),
    ]) {
      expect(() => v4DecreasesOf(plan, receipt([event]), { positionManager: POSITION_MANAGER })).toThrow(
        ExecutionReceiptError,
      );
    }
    expect(() => v4DecreasesOf(plan, receipt([]), { positionManager: POSITION_MANAGER })).toThrow(
      /v4 position 7/,
    );
  });

  it("refuses a payout smaller than the fees (states or receipt not this transaction's), and a native currency", () => {
    const logs = [
      modifyLiquidity(),
      transfer(USDC, POOL_MANAGER, SAFE, 1n),
      transfer(USDT, POOL_MANAGER, SAFE, 1n),
    ];
    const decreases = v4DecreasesOf(plan, receipt(logs), { positionManager: POSITION_MANAGER });
    expect(() => v4WithdrawalPayout(decreases, receipt(logs), states, SAFE)).toThrow(/less than the/);
    const native = [{ ...decreases[0]!, currency0: "0x0000000000000000000000000000000000000000" as Address }];
    expect(v4WithdrawalPayout(native, receipt(logs), states, SAFE)).toBeUndefined();
  });
});
