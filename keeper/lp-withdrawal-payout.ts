// What a mined plan's LP withdrawals paid the Safe, USD: the principal (a transfer out of the LP, which the report
// keeps out of IL / gamma) and the fees collected (earned). Amounts from the receipt and the positions' states
// around its block (src/execution/v4-withdrawal-payout.ts); each currency valued as the engine values it at that
// block (book-metrics.ts usdPrice): its stablecoin feed's answer, or $1 for a configured stablecoin without a feed.
//
// The keeper withdraws only the de-peg lane's stable-pair v4 positions (engine/depeg-v4-withdrawal.ts): both
// currencies are configured stablecoins, never the base, so none of the principal is in the sample's spotBase (the
// Safe's base balance) and the report may add it to the book's value without counting it twice (attribution.ts). A
// currency that is not a configured stablecoin, or native ETH, leaves the payout unknown (null), never a zero.
import { type Address, erc20Abi, type PublicClient } from "viem";
import { AGGREGATOR_V3_ABI } from "../src/chain/abis/chainlink-abi.ts";
import { POOL_MANAGER_V4_ABI } from "../src/chain/abis/uniswap-v4-abi.ts";
import type { BookParams } from "../src/engine/params.ts";
import type { Plan } from "../src/engine/plan.ts";
import type { ExecutionReceipt } from "../src/execution/realized-execution.ts";
import {
  type V4Decrease,
  type V4PositionState,
  v4DecreasesOf,
  v4WithdrawalPayout,
} from "../src/execution/v4-withdrawal-payout.ts";
import { positionStateSlots } from "../src/indexers/v4-state-slots.ts";

export interface LpWithdrawalPayoutUsd {
  principalUsd: number;
  feesCollectedUsd: number;
}

/**
 * The payout of the plan's LP withdrawals: zeros when it withdrew nothing, null when it cannot be valued (`why`
 * says what is missing). Throws ExecutionReceiptError when the receipt does not read as the withdrawal.
 */
export async function lpWithdrawalPayoutUsd(
  client: PublicClient,
  input: {
    plan: Pick<Plan, "planId" | "actions">;
    receipt: Pick<ExecutionReceipt, "transactionHash" | "logs"> & { blockNumber: bigint };
    safe: Address;
    positionManager: Address | undefined;
    params: Pick<BookParams, "depeg">;
  },
): Promise<{ payout: LpWithdrawalPayoutUsd } | { payout: null; why: string }> {
  const { plan, receipt } = input;
  if (!plan.actions.some((a) => a.kind === "uniswapV4.decreaseLiquidity"))
    return { payout: { principalUsd: 0, feesCollectedUsd: 0 } };
  if (input.positionManager === undefined)
    return { payout: null, why: "the book's targets name no v4 PositionManager" };
  const decreases = v4DecreasesOf(plan, receipt, { positionManager: input.positionManager });
  const block = receipt.blockNumber;
  const states: { before: V4PositionState; after: V4PositionState }[] = [];
  for (const d of decreases) {
    const [before, after] = await Promise.all([
      positionStateAt(client, d, block - 1n),
      positionStateAt(client, d, block),
    ]);
    if (before === undefined || after === undefined)
      return { payout: null, why: `PoolManager.extsload of pool ${d.poolId}'s position did not read` };
    states.push({ before, after });
  }
  const amounts = v4WithdrawalPayout(decreases, receipt, states, input.safe);
  if (amounts === undefined)
    return { payout: null, why: "a withdrawn currency is native ETH (no Transfer log)" };
  const stables = new Map(input.params.depeg.stablecoins.map((s) => [s.token.toLowerCase(), s]));
  let principalUsd = 0;
  let feesCollectedUsd = 0;
  for (const a of amounts) {
    const stable = stables.get(a.currency.toLowerCase());
    if (stable === undefined)
      return { payout: null, why: `withdrawn currency ${a.currency} is not a configured stablecoin` };
    const [priceUsd, decimals] = await Promise.all([
      stable.feed === null ? 1 : feedAnswerUsd(client, stable.feed, block),
      client.readContract({
        address: a.currency,
        abi: erc20Abi,
        functionName: "decimals",
        blockNumber: block,
      }),
    ]);
    if (priceUsd === undefined)
      return { payout: null, why: `feed ${stable.feed} answered no positive price at block ${block}` };
    principalUsd += (Number(a.principal) / 10 ** decimals) * priceUsd;
    feesCollectedUsd += (Number(a.fees) / 10 ** decimals) * priceUsd;
  }
  return { payout: { principalUsd, feesCollectedUsd } };
}

/** The position's liquidity and fee growth inside last, from the PoolManager's storage (v4-state-slots.ts). */
async function positionStateAt(
  client: PublicClient,
  d: V4Decrease,
  blockNumber: bigint,
): Promise<V4PositionState | undefined> {
  const slots = positionStateSlots(d.poolId, d);
  const words = await client.readContract({
    address: d.poolManager,
    abi: POOL_MANAGER_V4_ABI,
    functionName: "extsload",
    args: [slots],
    blockNumber,
  });
  if (words.length !== slots.length) return undefined;
  return {
    // Position.State's first word is the uint128 liquidity, right-aligned.
    liquidity: BigInt(words[0]!) & ((1n << 128n) - 1n),
    feeGrowthInside0LastX128: BigInt(words[1]!),
    feeGrowthInside1LastX128: BigInt(words[2]!),
  };
}

/** A Chainlink feed's answer at a block, USD (the engine's oraclePrice: answer / 10^decimals); undefined if ≤ 0. */
async function feedAnswerUsd(
  client: PublicClient,
  feed: Address,
  blockNumber: bigint,
): Promise<number | undefined> {
  const [round, decimals] = await Promise.all([
    client.readContract({
      address: feed,
      abi: AGGREGATOR_V3_ABI,
      functionName: "latestRoundData",
      blockNumber,
    }),
    client.readContract({ address: feed, abi: AGGREGATOR_V3_ABI, functionName: "decimals", blockNumber }),
  ]);
  if (round[1] <= 0n) return undefined;
  return Number(round[1]) / 10 ** decimals;
}
