// When a plan's transaction is final and succeeded: what it actually paid (gas, venue fees, slippage against the
// plan's quote), read from the receipt (src/execution/realized-execution.ts) and kept in the history's
// plan_executions, with the collateral it moved and the funding it settled in the perp account. Only the plan as
// sealed is measured (its quote is under the MAC). A receipt that cannot be read as the plan's execution is logged
// as an error and recorded as nothing, never as a zero cost. An LP withdrawal's payout (principal and fees collected)
// is recorded with it (lp-withdrawal-payout.ts), null when it cannot be valued. An RPC failure (the block's
// timestamp) throws, so the confirm job retries before the plan is marked final.
import type { TransactionReceipt } from "viem";
import { PERP_VAULT_ABI } from "../src/chain/abis/perp-v2-abi.ts";
import { swappedBaseOf } from "../src/execution/hedge-swaps.ts";
import { perpCollateralMovedUnits } from "../src/execution/perp-collateral-moves.ts";
import { perpFundingSettledWad } from "../src/execution/perp-funding-settled.ts";
import { ExecutionReceiptError, realizedExecution } from "../src/execution/realized-execution.ts";
import type { PlanExecution } from "../src/store/history-store.ts";
import type { KeeperContext } from "./context.ts";
import { PlanTamperedError } from "./errors.ts";
import { lpWithdrawalPayoutUsd } from "./lp-withdrawal-payout.ts";
import { openSealedPlan } from "./plan-integrity.ts";
import type { PlanRecord } from "./plan-store.ts";

export async function recordExecution(
  ctx: KeeperContext,
  record: PlanRecord,
  receipt: TransactionReceipt,
): Promise<void> {
  const history = ctx.history;
  if (history === undefined || receipt.status !== "success") return;
  const log = ctx.common.logger.child({
    plan_id: record.planId,
    book_id: record.bookId,
    tx_hash: receipt.transactionHash,
  });
  let execution: PlanExecution;
  try {
    const plan = openSealedPlan(ctx.planKey, record.planId, await ctx.plans.sealed(record.planId));
    const book = ctx.books.get(plan.bookId);
    if (book === undefined) throw new ExecutionReceiptError(`unknown book ${plan.bookId}`);
    const cost = realizedExecution(plan, receipt, {
      safe: book.targets.safe,
      clearingHouse: book.targets.perp.clearingHouse,
    });
    const block = await ctx.client.getBlock({ blockNumber: receipt.blockNumber });
    const vault = book.targets.perp.vault;
    const movedUnits = perpCollateralMovedUnits(receipt, { vault, trader: book.targets.safe });
    // The vault reports amounts in its settlement token's decimals; valued 1:1 with the dollar, as the vault does.
    const vaultDecimals =
      movedUnits === 0n
        ? 0
        : await ctx.client.readContract({
            address: vault,
            abi: PERP_VAULT_ABI,
            functionName: "decimals",
            blockNumber: receipt.blockNumber,
          });
    const withdrawal = await lpWithdrawalPayoutUsd(ctx.client, {
      plan,
      receipt,
      safe: book.targets.safe,
      positionManager: book.targets.uniswapV4?.positionManager,
      params: book.params,
    });
    if (withdrawal.payout === null)
      log.warn({ why: withdrawal.why }, "LP withdrawal payout not recorded: the report counts none of it");
    execution = {
      ...cost,
      planId: plan.planId,
      chainId: ctx.chainId,
      bookId: plan.bookId,
      blockNumber: receipt.blockNumber,
      txHash: receipt.transactionHash,
      minedAtSec: Number(block.timestamp),
      recordedAtMs: ctx.common.clock.nowMs(),
      gasUsed: receipt.gasUsed,
      effectiveGasPrice: receipt.effectiveGasPrice,
      expectedCostUsd: plan.expectedCost.totalUsd,
      riskRemovedUsd: plan.expectedRiskReductionUsd,
      perpCollateralMovedUsd: Number(movedUnits) / 10 ** vaultDecimals,
      // Funding is quoted in vUSD, 18 decimals, 1:1 with the settlement dollar.
      perpFundingSettledUsd:
        Number(
          perpFundingSettledWad(receipt, {
            clearingHouse: book.targets.perp.clearingHouse,
            trader: book.targets.safe,
          }),
        ) / 1e18,
      // A lending short's trades are the swaps of its short asset (hedge-swaps.ts); a book without one has none.
      swappedBase:
        book.params.aave === undefined
          ? { base: 0, atQuoteUsd: 0, fill: { cashUsd: 0, feesUsd: 0, slippageUsd: 0 } }
          : swappedBaseOf(plan, cost.legs, book.params.aave.shortAsset),
      lpWithdrawnPrincipalUsd: withdrawal.payout?.principalUsd ?? null,
      lpFeesCollectedUsd: withdrawal.payout?.feesCollectedUsd ?? null,
    };
  } catch (error) {
    if (!(error instanceof ExecutionReceiptError || error instanceof PlanTamperedError)) throw error;
    log.error(
      { err: error.message, details: error.details },
      "realized cost not recorded: the receipt or plan does not read",
    );
    return;
  }
  try {
    await history.putExecution(execution);
  } catch (error) {
    // Like every history write: the plan's outcome stands in Redis; the store being down loses this row only.
    log.warn({ err: (error as Error).message }, "history write failed");
    return;
  }
  log.info(
    {
      slippage_bps: execution.slippageBps,
      total_cost_usd: execution.totalCostUsd,
      gas_usd: execution.gasUsd,
      fees_usd: execution.feesUsd,
    },
    "plan execution recorded",
  );
}
