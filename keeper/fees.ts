// EIP-1559 fees for the keeper's transactions: a fresh quote under the configured cap, and the bump a
// replacement needs (geth and Hardhat accept a replacement only when both fees rise by at least 10%).
import { KeeperError } from "./errors.ts";

export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

export interface FeeCaps {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/** The cap is below what the next block needs: wait (retryable), never overpay past the operator's cap. */
export class FeeCapExceededError extends KeeperError {
  override name = "FeeCapExceededError";
  readonly retryable = true;
}

/** Room for the base fee to double over the next blocks (the usual wallet rule: 2 × base + tip). */
export function quoteFees(baseFeePerGas: bigint, suggestedTip: bigint, caps: FeeCaps): Fees {
  const tip = suggestedTip < caps.maxPriorityFeePerGas ? suggestedTip : caps.maxPriorityFeePerGas;
  const wanted = 2n * baseFeePerGas + tip;
  const maxFee = wanted < caps.maxFeePerGas ? wanted : caps.maxFeePerGas;
  if (maxFee < baseFeePerGas + tip) {
    throw new FeeCapExceededError(
      `base fee ${baseFeePerGas} + tip ${tip} exceeds the fee cap ${caps.maxFeePerGas} wei`,
    );
  }
  return { maxFeePerGas: maxFee, maxPriorityFeePerGas: tip };
}

const ceilBump = (value: bigint, bumpBps: number) => (value * BigInt(10_000 + bumpBps) + 9_999n) / 10_000n;

/**
 * Fees for a replacement of `previous`: both at least +bumpBps (rounded up), and at least a fresh quote
 * at the current base fee. Null when the cap leaves no room for the minimum bump.
 */
export function bumpFees(
  previous: Fees,
  baseFeePerGas: bigint,
  suggestedTip: bigint,
  caps: FeeCaps,
  bumpBps: number,
): Fees | null {
  if (!Number.isInteger(bumpBps) || bumpBps < 1_000)
    throw new RangeError(`bumpBps must be a whole number >= 1000 (nodes refuse less than +10%): ${bumpBps}`);
  const minTip = ceilBump(previous.maxPriorityFeePerGas, bumpBps);
  const minMax = ceilBump(previous.maxFeePerGas, bumpBps);
  let tip = suggestedTip > minTip ? suggestedTip : minTip;
  if (tip > caps.maxPriorityFeePerGas) tip = minTip; // the minimum bump may exceed the tip cap; the max cap rules
  const fresh = 2n * baseFeePerGas + tip;
  let maxFee = fresh > minMax ? fresh : minMax;
  if (maxFee > caps.maxFeePerGas) maxFee = caps.maxFeePerGas;
  if (maxFee < minMax || maxFee < tip) return null;
  return { maxFeePerGas: maxFee, maxPriorityFeePerGas: tip };
}
