// An Aave book's scenario read straight from the chain, apart from the keeper's own engine: its health factor as the
// Pool computes it (getUserAccountData, at each block of the scenario) and, for each transaction the keeper mined
// for the book, the path it took (sent to the treasury's Roles modifier, admitted by its HedgeGuard: PlanAdmitted
// for the Safe) and what it did on Aave (the Pool's Repay / Supply / Withdraw / Borrow events for the Safe).
import { type Address, formatUnits, type Hex, type PublicClient, parseEventLogs } from "viem";
import { AAVE_V3_POOL_ABI } from "../../src/chain/abis/aave-v3-abi.ts";
import { HEDGE_GUARD_ABI } from "../../src/execution/abis.ts";

export interface AaveTransactionCheck {
  txHash: string;
  /** The transaction was sent to the treasury's Roles modifier (the keeper's only way into the Safe). */
  throughRoles: boolean;
  /** The treasury's HedgeGuard emitted PlanAdmitted for the Safe in it (its pre- and post-checks passed). */
  admittedByHedgeGuard: boolean;
  /** What the Pool recorded for the Safe, in order: "Repay 2.5 WETH", "Supply 10000 USDC"… */
  aaveCalls: string[];
}

export interface AaveChainCheck {
  /** Pool.getUserAccountData(safe).healthFactor at the scenario's first and last block, and its lowest in between. */
  healthFactorBefore: number;
  healthFactorLowest: number;
  healthFactorLowestAtBlock: string;
  healthFactorAfter: number;
  transactions: AaveTransactionCheck[];
}

/** Aave's health factor is a wad; with no debt it is 2²⁵⁶ − 1, which reads as Infinity. */
const healthFactorOf = (wad: bigint): number =>
  wad > 10n ** 30n ? Number.POSITIVE_INFINITY : Number(formatUnits(wad, 18));

export async function aaveChainCheck(
  client: PublicClient,
  input: {
    pool: Address;
    safe: Address;
    roles: Address;
    hedgeGuard: Address;
    /** Symbol and decimals of each reserve asset, to name the Pool's events. */
    assets: Readonly<Record<string, { symbol: string; decimals: number }>>;
    fromBlock: bigint;
    toBlock: bigint;
    txHashes: readonly Hex[];
  },
): Promise<AaveChainCheck> {
  const healthFactorAt = async (blockNumber: bigint) => {
    const [, , , , , healthFactorWad] = await client.readContract({
      address: input.pool,
      abi: AAVE_V3_POOL_ABI,
      functionName: "getUserAccountData",
      args: [input.safe],
      blockNumber,
    });
    return healthFactorOf(healthFactorWad);
  };
  const blocks: bigint[] = [];
  for (let block = input.fromBlock; block <= input.toBlock; block += 1n) blocks.push(block);
  const perBlock = await Promise.all(
    blocks.map(async (blockNumber) => ({ blockNumber, healthFactor: await healthFactorAt(blockNumber) })),
  );
  const lowest = perBlock.reduce((a, b) => (b.healthFactor < a.healthFactor ? b : a));
  const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase();

  const transactions: AaveTransactionCheck[] = [];
  for (const hash of input.txHashes) {
    const receipt = await client.getTransactionReceipt({ hash });
    const admitted = parseEventLogs({ abi: HEDGE_GUARD_ABI, eventName: "PlanAdmitted", logs: receipt.logs });
    const poolLogs = parseEventLogs({
      abi: AAVE_V3_POOL_ABI,
      logs: receipt.logs.filter((log) => same(log.address, input.pool)),
    });
    const aaveCalls: string[] = [];
    for (const log of poolLogs) {
      const forSafe =
        log.eventName === "Repay" || log.eventName === "Borrow" || log.eventName === "Supply"
          ? same(log.args.user, input.safe) ||
            same("onBehalfOf" in log.args ? log.args.onBehalfOf : undefined, input.safe)
          : log.eventName === "Withdraw"
            ? same(log.args.user, input.safe)
            : false;
      if (!forSafe || !("amount" in log.args) || !("reserve" in log.args)) continue;
      const asset = input.assets[log.args.reserve.toLowerCase()];
      const amount = asset ? formatUnits(log.args.amount, asset.decimals) : log.args.amount.toString();
      aaveCalls.push(`${log.eventName} ${amount} ${asset?.symbol ?? log.args.reserve}`);
    }
    transactions.push({
      txHash: hash,
      throughRoles: same(receipt.to ?? undefined, input.roles) && receipt.status === "success",
      admittedByHedgeGuard: admitted.some(
        (log) => same(log.address, input.hedgeGuard) && same(log.args.treasury, input.safe),
      ),
      aaveCalls,
    });
  }
  return {
    healthFactorBefore: perBlock[0]!.healthFactor,
    healthFactorLowest: lowest.healthFactor,
    healthFactorLowestAtBlock: lowest.blockNumber.toString(),
    healthFactorAfter: perBlock.at(-1)!.healthFactor,
    transactions,
  };
}
