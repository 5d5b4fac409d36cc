// What a keeper transaction asks the treasury to do, read back from its calldata the way the chain reads it:
// Roles.execTransactionWithRole → MultiSendCallOnly.multiSend → the packed batch (safe-contracts MultiSend.sol:
// operation ‖ to ‖ value ‖ data length ‖ data) → the venue calls and their slippage bounds.
import { type Address, decodeFunctionData, type Hex, hexToBigInt, hexToNumber, sliceHex } from "viem";
import { PERP_CLEARING_HOUSE_ABI } from "../../src/chain/abis/perp-v2-abi.ts";
import { SWAP_ROUTER_ABI } from "../../src/chain/abis/uniswap-v3-abi.ts";
import { MULTI_SEND_ABI, ROLES_ABI } from "../../src/execution/abis.ts";

export interface BatchCall {
  operation: number;
  to: Address;
  value: bigint;
  data: Hex;
}

export type VenueBound =
  | { kind: "perp"; isBaseToQuote: boolean; amountBase: bigint; oppositeAmountBound: bigint }
  | { kind: "swap"; tokenIn: Address; tokenOut: Address; amountIn: bigint; amountOutMinimum: bigint };

/** The batch a keeper transaction (its calldata to the Roles modifier) executes. */
export function batchOf(rolesCalldata: Hex): BatchCall[] {
  const roles = decodeFunctionData({ abi: ROLES_ABI, data: rolesCalldata });
  if (roles.functionName !== "execTransactionWithRole")
    throw new Error(`not a role call: ${roles.functionName}`);
  const multiSend = decodeFunctionData({ abi: MULTI_SEND_ABI, data: roles.args[2] as Hex });
  const packed = multiSend.args[0] as Hex;
  const calls: BatchCall[] = [];
  const size = (packed.length - 2) / 2;
  for (let offset = 0; offset < size; ) {
    const length = hexToNumber(sliceHex(packed, offset + 53, offset + 85));
    calls.push({
      operation: hexToNumber(sliceHex(packed, offset, offset + 1)),
      to: sliceHex(packed, offset + 1, offset + 21) as Address,
      value: hexToBigInt(sliceHex(packed, offset + 21, offset + 53)),
      data: length === 0 ? "0x" : sliceHex(packed, offset + 85, offset + 85 + length),
    });
    offset += 85 + length;
  }
  return calls;
}

/** The slippage bounds of every venue call in a keeper transaction's batch. */
export function venueBoundsOf(rolesCalldata: Hex): VenueBound[] {
  const bounds: VenueBound[] = [];
  for (const call of batchOf(rolesCalldata)) {
    try {
      const perp = decodeFunctionData({ abi: PERP_CLEARING_HOUSE_ABI, data: call.data });
      if (perp.functionName === "openPosition") {
        const p = perp.args[0] as { isBaseToQuote: boolean; amount: bigint; oppositeAmountBound: bigint };
        bounds.push({
          kind: "perp",
          isBaseToQuote: p.isBaseToQuote,
          amountBase: p.amount,
          oppositeAmountBound: p.oppositeAmountBound,
        });
        continue;
      }
    } catch {
      // not a clearing-house call
    }
    try {
      const swap = decodeFunctionData({ abi: SWAP_ROUTER_ABI, data: call.data });
      if (swap.functionName === "exactInputSingle") {
        const p = swap.args[0] as {
          tokenIn: Address;
          tokenOut: Address;
          amountIn: bigint;
          amountOutMinimum: bigint;
        };
        bounds.push({
          kind: "swap",
          tokenIn: p.tokenIn,
          tokenOut: p.tokenOut,
          amountIn: p.amountIn,
          amountOutMinimum: p.amountOutMinimum,
        });
      }
    } catch {
      // not a router call either: a guard check or a collateral move
    }
  }
  return bounds;
}
