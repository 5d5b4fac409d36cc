// Calldata for PositionManager.modifyLiquidities (v4-periphery 1.0.3): `unlockData = abi.encode(bytes actions,
// bytes[] params)`, one action code per byte (libraries/Actions.sol) and each params entry the abi.encode of
// that action's arguments in CalldataDecoder's order. Pure encoding: no client.
import { type Address, encodeAbiParameters, encodeFunctionData, type Hex, toHex } from "viem";
import type { V4PoolKey } from "../engine/snapshot.ts";
import { V4_POSITION_MANAGER_ABI } from "./abis/uniswap-v4-abi.ts";

/** Action codes of v4-periphery libraries/Actions.sol used here. */
export const V4_ACTION_CODES = {
  INCREASE_LIQUIDITY: 0x00,
  DECREASE_LIQUIDITY: 0x01,
  MINT_POSITION: 0x02,
  BURN_POSITION: 0x03,
  SETTLE_PAIR: 0x0d,
  TAKE_PAIR: 0x11,
  CLOSE_CURRENCY: 0x12,
  SWEEP: 0x14,
} as const;

export type V4Action =
  | {
      action: "MINT_POSITION";
      poolKey: V4PoolKey;
      tickLower: number;
      tickUpper: number;
      liquidity: bigint;
      /** Most of each currency the mint may take (slippage bound). */
      amount0Max: bigint;
      amount1Max: bigint;
      owner: Address;
      hookData?: Hex;
    }
  | {
      action: "INCREASE_LIQUIDITY";
      tokenId: bigint;
      liquidity: bigint;
      amount0Max: bigint;
      amount1Max: bigint;
      hookData?: Hex;
    }
  | {
      action: "DECREASE_LIQUIDITY";
      tokenId: bigint;
      liquidity: bigint;
      amount0Min: bigint;
      amount1Min: bigint;
      hookData?: Hex;
    }
  | { action: "BURN_POSITION"; tokenId: bigint; amount0Min: bigint; amount1Min: bigint; hookData?: Hex }
  /** Pays the whole debt of both currencies from the caller (Permit2 for ERC-20s, the call's value for ETH). */
  | { action: "SETTLE_PAIR"; currency0: Address; currency1: Address }
  /** Sends the whole credit of both currencies to `recipient`. */
  | { action: "TAKE_PAIR"; currency0: Address; currency1: Address; recipient: Address }
  /** Settles a debt or takes a credit of one currency, whichever it is. */
  | { action: "CLOSE_CURRENCY"; currency: Address }
  /** Sends the PositionManager's balance of `currency` (e.g. unspent ETH) to `to`. */
  | { action: "SWEEP"; currency: Address; to: Address };

const POOL_KEY_PARAM = {
  type: "tuple",
  components: [
    { name: "currency0", type: "address" },
    { name: "currency1", type: "address" },
    { name: "fee", type: "uint24" },
    { name: "tickSpacing", type: "int24" },
    { name: "hooks", type: "address" },
  ],
} as const;

function encodeParams(action: V4Action): Hex {
  switch (action.action) {
    case "MINT_POSITION":
      return encodeAbiParameters(
        [
          POOL_KEY_PARAM,
          { type: "int24" },
          { type: "int24" },
          { type: "uint256" },
          { type: "uint128" },
          { type: "uint128" },
          { type: "address" },
          { type: "bytes" },
        ],
        [
          action.poolKey,
          action.tickLower,
          action.tickUpper,
          action.liquidity,
          action.amount0Max,
          action.amount1Max,
          action.owner,
          action.hookData ?? "0x",
        ],
      );
    case "INCREASE_LIQUIDITY":
      return encodeAbiParameters(
        [
          { type: "uint256" },
          { type: "uint256" },
          { type: "uint128" },
          { type: "uint128" },
          { type: "bytes" },
        ],
        [action.tokenId, action.liquidity, action.amount0Max, action.amount1Max, action.hookData ?? "0x"],
      );
    case "DECREASE_LIQUIDITY":
      return encodeAbiParameters(
        [
          { type: "uint256" },
          { type: "uint256" },
          { type: "uint128" },
          { type: "uint128" },
          { type: "bytes" },
        ],
        [action.tokenId, action.liquidity, action.amount0Min, action.amount1Min, action.hookData ?? "0x"],
      );
    case "BURN_POSITION":
      return encodeAbiParameters(
        [{ type: "uint256" }, { type: "uint128" }, { type: "uint128" }, { type: "bytes" }],
        [action.tokenId, action.amount0Min, action.amount1Min, action.hookData ?? "0x"],
      );
    case "SETTLE_PAIR":
      return encodeAbiParameters(
        [{ type: "address" }, { type: "address" }],
        [action.currency0, action.currency1],
      );
    case "TAKE_PAIR":
      return encodeAbiParameters(
        [{ type: "address" }, { type: "address" }, { type: "address" }],
        [action.currency0, action.currency1, action.recipient],
      );
    case "CLOSE_CURRENCY":
      return encodeAbiParameters([{ type: "address" }], [action.currency]);
    case "SWEEP":
      return encodeAbiParameters([{ type: "address" }, { type: "address" }], [action.currency, action.to]);
  }
}

/** `unlockData` for modifyLiquidities: the packed action codes and each action's encoded arguments. */
export function encodeV4Actions(actions: readonly V4Action[]): Hex {
  const codes = toHex(new Uint8Array(actions.map((a) => V4_ACTION_CODES[a.action])));
  return encodeAbiParameters([{ type: "bytes" }, { type: "bytes[]" }], [codes, actions.map(encodeParams)]);
}

/** Calldata of PositionManager.modifyLiquidities(unlockData, deadline). */
export function encodeModifyLiquidities(actions: readonly V4Action[], deadline: bigint): Hex {
  return encodeFunctionData({
    abi: V4_POSITION_MANAGER_ABI,
    functionName: "modifyLiquidities",
    args: [encodeV4Actions(actions), deadline],
  });
}
