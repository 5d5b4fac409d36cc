import { decodeFunctionData, erc20Abi, pad, parseEventLogs, toHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chainLpTermsCheck, lpTermsSourcesOf } from "../../../scripts/demo/lp-terms-check.ts";
import { POOL_MANAGER_V4_ABI, V4_POSITION_MANAGER_ABI } from "../../../src/chain/abis/uniswap-v4-abi.ts";
import type { Plan, V4DecreaseLiquidityAction } from "../../../src/engine/plan.ts";
import { HEDGE_GUARD_ABI } from "../../../src/execution/abis.ts";
import type { HistoryStore } from "../../../src/store/history-store.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { batchOf } from "../../support/keeper-calldata.ts";
import { poolManagerPayouts } from "../../support/pool-manager-payouts.ts";
import { settleStep, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// The de-peg lane's v4 leg end to end: the devnet book watches the Safe's v4 positions and the keeper is hired with
// the devnet's permissions.uniswapV4Withdrawals. When usdc-depeg-2023 takes USDC (and the v3 and v4 USDC/USDT pools)
// to 0.8774, the keeper decides an urgent plan that withdraws the Safe's whole v4 USDC/USDT position, its queue
// sends it through Roles (V4WithdrawalBounds: the Safe's own token id, paid to the Safe), and HedgeGuard's post check
// holds the Safe's USDC and USDT to at least the plan's minimums. Asserted on chain, not on the keeper's word.
const bed = useKeeperTestbed("keeper-depeg-v4");
const devnet = bed.devnet;

let history: HistoryStore;
beforeAll(async () => {
  history = await openHistoryStore({ dataDir: "memory://" });
});
afterAll(async () => {
  await history?.close();
});

/** Play usdc-depeg-2023 with the keeper up, letting it settle each step's block, until an urgent plan is mined. */
async function depegUntilUrgentMined() {
  const d = devnet();
  const keeper = bed.keeperFor({ history });
  await keeper.start();
  let mined: Awaited<ReturnType<typeof keeper.plans.record>>;
  await d.runScenario("usdc-depeg-2023", {
    onStep: async () => {
      if (mined !== undefined) return;
      await settleStep(d, keeper, { timeoutMs: 20_000 });
      mined = (await keeper.plans.list()).find((r) => r.lane === "urgent" && r.status === "mined");
    },
  });
  if (mined?.minedTxHash === undefined) throw new Error("no urgent plan was mined during usdc-depeg-2023");
  const plan = (await keeper.plans.plan(mined.planId)) as Plan;
  // Recorded once its transaction is final (record-execution.ts), with what the withdrawal paid the Safe.
  const execution = await waitFor("the urgent plan's execution recorded", async () =>
    (await history.executions({ bookId: plan.bookId, limit: 100 })).find((e) => e.planId === plan.planId),
  );
  return { record: mined, plan, txHash: mined.minedTxHash, execution };
}

describe("the de-peg lane's v4 withdrawal, through the keeper", () => {
  it("withdraws the Safe's whole v4 USDC/USDT position through Roles during usdc-depeg-2023, paid to the Safe, the balances held by HedgeGuard", async () => {
    const d = devnet();
    const v4 = d.manifest.uniswapV4!;
    const safe = bed.setup.scope.safe;
    const tokenId = BigInt(v4.lpTokenIds[1]!);
    const stablePool = v4.pools.usdcUsdt10;
    const liquidityBefore = await d.publicClient.readContract({
      address: v4.positionManager,
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "getPositionLiquidity",
      args: [tokenId],
    });
    expect(liquidityBefore).toBeGreaterThan(0n);

    const { plan, txHash, execution } = await depegUntilUrgentMined();
    const withdrawals = plan.actions.filter(
      (a): a is V4DecreaseLiquidityAction => a.kind === "uniswapV4.decreaseLiquidity",
    );
    // The stable position only: the ETH/USDC ones hold no stable at its act tier against another stable.
    expect(
      withdrawals.map((w) => [w.tokenId, w.liquidity, w.currency0.toLowerCase(), w.currency1.toLowerCase()]),
    ).toEqual([
      [tokenId, liquidityBefore, stablePool.currency0.toLowerCase(), stablePool.currency1.toLowerCase()],
    ]);
    const [withdrawal] = withdrawals;

    const receipt = await d.publicClient.getTransactionReceipt({ hash: txHash });
    expect(receipt.status).toBe("success");
    expect(receipt.to?.toLowerCase()).toBe(bed.setup.scope.roles.toLowerCase());
    // The PoolManager took the position's whole liquidity out (v4 salts a PositionManager position by its token id)…
    const modified = parseEventLogs({
      abi: POOL_MANAGER_V4_ABI,
      eventName: "ModifyLiquidity",
      logs: receipt.logs,
    });
    expect(modified.map((log) => [log.args.id, log.args.salt, log.args.liquidityDelta])).toEqual([
      [stablePool.poolId, pad(toHex(tokenId), { size: 32 }), -liquidityBefore],
    ]);
    const liquidityAfter = await d.publicClient.readContract({
      address: v4.positionManager,
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "getPositionLiquidity",
      args: [tokenId],
    });
    expect(liquidityAfter).toBe(0n);
    // …and paid both currencies to the Safe, at least the plan's minimums, nothing to anyone else.
    const { recipients, paidIn } = poolManagerPayouts(receipt, v4.poolManager);
    expect([...recipients]).toEqual([safe.toLowerCase()]);
    expect(paidIn(withdrawal!.currency0)).toBeGreaterThanOrEqual(withdrawal!.amount0Min);
    expect(paidIn(withdrawal!.currency1)).toBeGreaterThanOrEqual(withdrawal!.amount1Min);
    expect(withdrawal!.amount0Min + withdrawal!.amount1Min).toBeGreaterThan(0n);

    // HedgeGuard's post check (checkBalances: the plan moves no perp) ran in the same transaction, after the venue
    // calls, with the plan's minimum balances for both currencies; the Safe holds at least them at the block (a
    // shortfall would have reverted everything).
    const { input } = await d.publicClient.getTransaction({ hash: txHash });
    const calls = batchOf(input);
    const guardCalls = calls.flatMap((call, index) =>
      call.to.toLowerCase() === bed.setup.scope.hedgeGuard.toLowerCase()
        ? [{ index, decoded: decodeFunctionData({ abi: HEDGE_GUARD_ABI, data: call.data }) }]
        : [],
    );
    const post = guardCalls.find((c) => c.decoded.functionName === "checkBalances");
    expect(post?.index).toBe(calls.length - 1);
    if (post?.decoded.functionName !== "checkBalances") throw new Error("no checkBalances in the batch");
    const minBalances = post.decoded.args[1];
    expect(minBalances).toEqual(plan.post.minBalances);
    for (const currency of [withdrawal!.currency0, withdrawal!.currency1]) {
      const minimum = minBalances.find((b) => b.token.toLowerCase() === currency.toLowerCase());
      expect(minimum, `no post-check minimum for ${currency}`).toBeDefined();
      const held = await d.publicClient.readContract({
        address: currency,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [safe],
        blockNumber: receipt.blockNumber,
      });
      expect(held).toBeGreaterThanOrEqual(minimum!.amount);
    }
    // What the keeper recorded the withdrawal paid (receipt Transfers less the fees Position.update credited, valued at
    // the stable feeds' answers of the block) against lp-terms-check's independent reading (principal from the
    // withdrawn liquidity at the pool's √P, fees from StateView's fee growth, the same feeds): the token amounts
    // agree to the wei, so the USD figures to float resolution on ~$10^5 (1e-6 USD).
    const independent = await chainLpTermsCheck(d.publicClient, {
      blocks: [receipt.blockNumber - 1n, receipt.blockNumber],
      sources: lpTermsSourcesOf(d.manifest),
    });
    expect(independent.withdrawnPrincipalUsd).toBeGreaterThan(10_000);
    expect(execution.lpWithdrawnPrincipalUsd).not.toBeNull();
    expect(execution.lpWithdrawnPrincipalUsd!).toBeCloseTo(independent.withdrawnPrincipalUsd, 6);
    expect(execution.lpFeesCollectedUsd!).toBeCloseTo(independent.feesCollectedUsd, 6);
    // The keeper's next reads see the same withdrawal among the Safe's v4 principal flows (the PoolManager's
    // ModifyLiquidity, valued from liquidityDelta at the pool's √P): one flow, the same principal, so the report,
    // which counts an execution among the flows once and from them (by transaction hash), keeps the de-peg's figure.
    const flows = await waitFor("the withdrawal among the recorded LP flows", async () => {
      const recorded = await history.lpPrincipalFlows(plan.bookId, {
        fromBlock: receipt.blockNumber,
        toBlock: receipt.blockNumber,
      });
      return recorded.length > 0 ? recorded : undefined;
    });
    expect(flows.map((f) => [f.txHash.toLowerCase(), f.position])).toEqual([
      [txHash.toLowerCase(), `uniswap-v4:${tokenId}`],
    ]);
    // A flow is valued at the feeds of the block the keeper read it at: its own block when the keeper read every
    // block, then the same figure as the receipt's. Under load it may read a later block (the de-peg moves USDC's
    // feed between blocks), which is why the report counts a plan's withdrawal from its receipt (report-period.ts).
    if (flows[0]!.timestampSec === execution.minedAtSec) {
      expect(flows[0]!.principalUsd).toBeCloseTo(execution.lpWithdrawnPrincipalUsd!, 6);
      expect(flows[0]!.feesCollectedUsd).toBeCloseTo(execution.lpFeesCollectedUsd!, 6);
    }
    // The position stays the Safe's NFT: withdrawn, not transferred.
    const owner = await d.publicClient.readContract({
      address: v4.positionManager,
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "ownerOf",
      args: [tokenId],
    });
    expect(owner.toLowerCase()).toBe(safe.toLowerCase());
  });
});
