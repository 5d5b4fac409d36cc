// What a mined plan's Uniswap v4 withdrawals paid the Safe, read from its receipt: the principal (liquidity turned
// back into tokens) apart from the fees the decrease collected. Pure: the receipt and the positions' states are
// handed in.
//
// v4-core's PoolManager.modifyLiquidity pays a decrease as one delta, principal + fees accrued (Pool.modifyLiquidity
// returns them apart, but no event carries amounts): ModifyLiquidity names the position (sender = the
// PositionManager, salt = the token id, liquidityDelta < 0), and TAKE_PAIR pays the summed deltas out as the
// currencies' ERC-20 Transfers from the PoolManager to the Safe. The fees are the ones Position.update credits,
//   fees = L_before · (feeGrowthInsideLast_after − feeGrowthInsideLast_before) / 2^128   (floor, FullMath.mulDiv)
// since update() sets feeGrowthInsideLast to the pool's fee growth inside at the decrease; so, to the wei,
//   principal = Σ transferred − Σ fees   per currency.
// A native-ETH currency is paid by a call, not a Transfer: its payout does not read from the receipt (undefined).
import {
  type Address,
  decodeEventLog,
  erc20Abi,
  type Hex,
  isAddressEqual,
  numberToHex,
  zeroAddress,
} from "viem";
import { POOL_MANAGER_V4_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import type { Plan, V4DecreaseLiquidityAction } from "../engine/plan.ts";
import { type ExecutionReceipt, ExecutionReceiptError } from "./realized-execution.ts";

const Q128 = 1n << 128n;
const UINT256 = 1n << 256n;

/** A decrease of one of the plan's positions, as its ModifyLiquidity event names it. */
export interface V4Decrease {
  /** The PoolManager that emitted the event (it holds the position's state and paid the tokens). */
  poolManager: Address;
  poolId: Hex;
  /** The position's owner in the PoolManager: the PositionManager. */
  owner: Address;
  tickLower: number;
  tickUpper: number;
  salt: Hex;
  currency0: Address;
  currency1: Address;
}

/** A position's state in the PoolManager (StateLibrary.getPositionInfo) at one block. */
export interface V4PositionState {
  liquidity: bigint;
  feeGrowthInside0LastX128: bigint;
  feeGrowthInside1LastX128: bigint;
}

/** One currency's payout to the Safe, raw units. */
export interface V4PayoutAmounts {
  currency: Address;
  principal: bigint;
  fees: bigint;
}

/**
 * The plan's v4 decreases found in the receipt, one per uniswapV4.decreaseLiquidity action: its ModifyLiquidity from
 * the PositionManager for the action's token id and liquidity. A decrease without its event is an error.
 */
export function v4DecreasesOf(
  plan: Pick<Plan, "planId" | "actions">,
  receipt: Pick<ExecutionReceipt, "transactionHash" | "logs">,
  venues: { positionManager: Address },
): V4Decrease[] {
  const actions = plan.actions.filter(
    (a): a is V4DecreaseLiquidityAction => a.kind === "uniswapV4.decreaseLiquidity",
  );
  const used = new Set<ExecutionReceipt["logs"][number]>();
  return actions.map((action) => {
    const salt = toSalt(action.tokenId);
    for (const log of receipt.logs) {
      if (used.has(log)) continue;
      const event = decodedOrUndefined(() =>
        decodeEventLog({
          abi: POOL_MANAGER_V4_ABI,
          eventName: "ModifyLiquidity",
          topics: [...log.topics] as [Hex, ...Hex[]],
          data: log.data,
          strict: true,
        }),
      );
      if (event === undefined) continue;
      const { id, sender, tickLower, tickUpper, liquidityDelta } = event.args;
      if (!isAddressEqual(sender, venues.positionManager) || event.args.salt.toLowerCase() !== salt) continue;
      if (liquidityDelta !== -action.liquidity) continue;
      used.add(log);
      return {
        poolManager: log.address,
        poolId: id,
        owner: sender,
        tickLower,
        tickUpper,
        salt,
        currency0: action.currency0,
        currency1: action.currency1,
      };
    }
    throw new ExecutionReceiptError(
      `no ModifyLiquidity removing ${action.liquidity} from v4 position ${action.tokenId}`,
      {
        details: {
          planId: plan.planId,
          txHash: receipt.transactionHash,
          tokenId: action.tokenId.toString(),
        },
      },
    );
  });
}

/**
 * Principal and fees per currency of the decreases, from the Transfers the PoolManagers made to the Safe and the
 * positions' states just before and after the transaction's block (in `decreases` order). Undefined when a currency
 * is native ETH (paid without a Transfer log). A payout smaller than the fees is an error: the receipt or the states
 * are not this transaction's.
 */
export function v4WithdrawalPayout(
  decreases: readonly V4Decrease[],
  receipt: Pick<ExecutionReceipt, "transactionHash" | "logs">,
  states: readonly { before: V4PositionState; after: V4PositionState }[],
  safe: Address,
): V4PayoutAmounts[] | undefined {
  const fees = new Map<string, bigint>();
  const currencies = new Map<string, Address>();
  for (let i = 0; i < decreases.length; i++) {
    const d = decreases[i]!;
    const { before, after } = states[i]!;
    if (isAddressEqual(d.currency0, zeroAddress) || isAddressEqual(d.currency1, zeroAddress))
      return undefined;
    // Fee growth is uint256 arithmetic that may wrap (v4-core Position.update: unchecked subtraction).
    const fees0 =
      (wrap(after.feeGrowthInside0LastX128 - before.feeGrowthInside0LastX128) * before.liquidity) / Q128;
    const fees1 =
      (wrap(after.feeGrowthInside1LastX128 - before.feeGrowthInside1LastX128) * before.liquidity) / Q128;
    for (const [currency, amount] of [
      [d.currency0, fees0],
      [d.currency1, fees1],
    ] as const) {
      const key = currency.toLowerCase();
      currencies.set(key, currency);
      fees.set(key, (fees.get(key) ?? 0n) + amount);
    }
  }
  const poolManagers = decreases.map((d) => d.poolManager);
  const paid = new Map<string, bigint>();
  for (const log of receipt.logs) {
    const key = log.address.toLowerCase();
    if (!currencies.has(key)) continue;
    const event = decodedOrUndefined(() =>
      decodeEventLog({
        abi: erc20Abi,
        eventName: "Transfer",
        topics: [...log.topics] as [Hex, ...Hex[]],
        data: log.data,
        strict: true,
      }),
    );
    if (event === undefined || !isAddressEqual(event.args.to, safe)) continue;
    if (!poolManagers.some((pm) => isAddressEqual(pm, event.args.from))) continue;
    paid.set(key, (paid.get(key) ?? 0n) + event.args.value);
  }
  return [...currencies].map(([key, currency]) => {
    const total = paid.get(key) ?? 0n;
    const feeAmount = fees.get(key)!;
    if (total < feeAmount)
      throw new ExecutionReceiptError(
        `the PoolManager paid the Safe ${total} of ${currency}, less than the ${feeAmount} of fees the decreases accrued`,
        { details: { txHash: receipt.transactionHash, currency } },
      );
    return { currency, principal: total - feeAmount, fees: feeAmount };
  });
}

const wrap = (x: bigint) => (x < 0n ? x + UINT256 : x);
/** The PositionManager salts a token's position with its id (v4-periphery PositionManager._modifyLiquidity). */
const toSalt = (tokenId: bigint): Hex => numberToHex(tokenId, { size: 32 });

/** A log decoded as the asked event, or undefined when it is another event. */
function decodedOrUndefined<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}
