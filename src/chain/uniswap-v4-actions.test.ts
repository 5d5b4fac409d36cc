import { type Address, decodeFunctionData } from "viem";
import { describe, expect, it } from "vitest";
import { v4Sdk } from "../engine/uniswap-v4-sdk.test-support.ts";
import { V4_POSITION_MANAGER_ABI } from "./abis/uniswap-v4-abi.ts";
import { encodeModifyLiquidities, encodeV4Actions, type V4Action } from "./uniswap-v4-actions.ts";

const ZERO: Address = "0x0000000000000000000000000000000000000000";
const USDC: Address = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const SAFE: Address = "0x0837e5255938D5651D463Ce2Bd0e5d060c566655";
const HOOK: Address = "0xCf48309CE5a3231D8964b49D5544c7229d3f5000";
const KEY = { currency0: ZERO, currency1: USDC, fee: 0x800000, tickSpacing: 60, hooks: HOOK };

describe("modifyLiquidities calldata", () => {
  it("encodes the same unlockData as the v4-sdk's V4Planner for a mint and a withdrawal", () => {
    const actions: V4Action[] = [
      {
        action: "MINT_POSITION",
        poolKey: KEY,
        tickLower: -199_980,
        tickUpper: -189_960,
        liquidity: 123_456_789_012_345n,
        amount0Max: 10n ** 19n,
        amount1Max: 30_000n * 10n ** 6n,
        owner: SAFE,
        hookData: "0x",
      },
      { action: "CLOSE_CURRENCY", currency: ZERO },
      { action: "SETTLE_PAIR", currency0: ZERO, currency1: USDC },
      { action: "DECREASE_LIQUIDITY", tokenId: 11n, liquidity: 5n, amount0Min: 1n, amount1Min: 2n },
      { action: "TAKE_PAIR", currency0: ZERO, currency1: USDC, recipient: SAFE },
      { action: "BURN_POSITION", tokenId: 11n, amount0Min: 0n, amount1Min: 0n },
      { action: "SWEEP", currency: ZERO, to: SAFE },
    ];
    const planner = new v4Sdk.V4Planner();
    const { Actions } = v4Sdk;
    planner.addAction(Actions.MINT_POSITION, [
      KEY,
      -199_980,
      -189_960,
      "123456789012345",
      (10n ** 19n).toString(),
      "30000000000",
      SAFE,
      "0x",
    ]);
    planner.addAction(Actions.CLOSE_CURRENCY, [ZERO]);
    planner.addAction(Actions.SETTLE_PAIR, [ZERO, USDC]);
    planner.addAction(Actions.DECREASE_LIQUIDITY, ["11", "5", "1", "2", "0x"]);
    planner.addAction(Actions.TAKE_PAIR, [ZERO, USDC, SAFE]);
    planner.addAction(Actions.BURN_POSITION, ["11", "0", "0", "0x"]);
    planner.addAction(Actions.SWEEP, [ZERO, SAFE]);
    expect(encodeV4Actions(actions)).toBe(planner.finalize().toLowerCase());
  });

  it("wraps the actions in modifyLiquidities with the deadline", () => {
    const actions: V4Action[] = [{ action: "CLOSE_CURRENCY", currency: USDC }];
    const { functionName, args } = decodeFunctionData({
      abi: V4_POSITION_MANAGER_ABI,
      data: encodeModifyLiquidities(actions, 1_234n),
    });
    expect(functionName).toBe("modifyLiquidities");
    expect(args).toEqual([encodeV4Actions(actions), 1_234n]);
  });
});
