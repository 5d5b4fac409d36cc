// Aave v3 LiquidationCall events against a book's Safe, read from the Pool's logs since the last complete snapshot.
// With a v3 side the topic rides in its one getLogs per block (incremental-cache.ts `alsoLogs`): no request added.
// When that getLogs is not made (a cold snapshot, a reorged cache, a gap beyond its range, a book without a v3 side)
// the Pool is asked alone, for the blocks since the last snapshot that looked (only the snapshot's block the first
// time: what happened before the keeper watched is not its to report).
import { type Address, getAbiItem, type PublicClient } from "viem";
import { AAVE_V3_DATA_PROVIDER_ABI, AAVE_V3_POOL_ABI } from "../chain/abis/aave-v3-abi.ts";
import { classifyChainError } from "../chain/classify-error.ts";
import type { ChangeLog } from "./book-changes.ts";

export const LIQUIDATION_CALL_EVENT = getAbiItem({ abi: AAVE_V3_POOL_ABI, name: "LiquidationCall" });

/** Beyond this many blocks since the last look, one log query may exceed providers' ranges: only the tail is read. */
const MAX_LIQUIDATION_SCAN_BLOCKS = 2_000n;

/** One LiquidationCall whose user is the watched account, as the Pool emitted it. */
export interface AaveLiquidationEvent {
  blockNumber: bigint;
  transactionHash: `0x${string}`;
  logIndex: number;
  user: Address;
  liquidator: Address;
  collateralAsset: Address;
  debtAsset: Address;
  /** Debt repaid by the liquidator, in the debt asset's units (the event's debtToCover). */
  debtCovered: bigint;
  /** Collateral the liquidator received, bonus included, in the collateral asset's units. */
  collateralSeized: bigint;
  receiveAToken: boolean;
}

/**
 * A liquidation with the collateral reserve's liquidation protocol fee at its block (AaveProtocolDataProvider
 * .getLiquidationProtocolFee, bps of the bonus): the share of the bonus Aave's treasury took from the Safe beyond
 * what the event says the liquidator received (LiquidationLogic: protocol fee = bonus collateral × fee).
 */
export interface AaveLiquidationFound extends AaveLiquidationEvent {
  collateralProtocolFeeBps: number;
}

/** The account's liquidations among decoded logs (any addresses, any events), oldest first. */
export function liquidationsAmong(
  logs: readonly ChangeLog[],
  pool: Address,
  account: Address,
): AaveLiquidationEvent[] {
  const found: AaveLiquidationEvent[] = [];
  for (const log of logs) {
    if (log.eventName !== "LiquidationCall" || log.address.toLowerCase() !== pool.toLowerCase()) continue;
    const args = log.args as {
      collateralAsset: Address;
      debtAsset: Address;
      user: Address;
      debtToCover: bigint;
      liquidatedCollateralAmount: bigint;
      liquidator: Address;
      receiveAToken: boolean;
    };
    if (args.user.toLowerCase() !== account.toLowerCase()) continue;
    if (log.transactionHash === undefined)
      throw new TypeError(`LiquidationCall at block ${log.blockNumber} came without its transaction hash`);
    found.push({
      blockNumber: log.blockNumber,
      transactionHash: log.transactionHash,
      logIndex: log.logIndex,
      user: args.user,
      liquidator: args.liquidator,
      collateralAsset: args.collateralAsset,
      debtAsset: args.debtAsset,
      debtCovered: args.debtToCover,
      collateralSeized: args.liquidatedCollateralAmount,
      receiveAToken: args.receiveAToken,
    });
  }
  return found.sort((a, b) =>
    a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1,
  );
}

/** Remembers how far the Pool's logs were looked at, and reads them alone when no shared getLogs covered them. */
export function createLiquidationWatch(input: {
  client: PublicClient;
  pool: Address;
  protocolDataProvider: Address;
  account: Address;
}) {
  // Rare (a liquidation): one read per liquidation found, at its block.
  const withProtocolFee = (found: AaveLiquidationEvent[], countRequest: () => void) =>
    Promise.all(
      found.map(async (event): Promise<AaveLiquidationFound> => {
        countRequest();
        const feeBps = await input.client
          .readContract({
            address: input.protocolDataProvider,
            abi: AAVE_V3_DATA_PROVIDER_ABI,
            functionName: "getLiquidationProtocolFee",
            args: [event.collateralAsset],
            blockNumber: event.blockNumber,
          })
          .catch((error: unknown) => {
            throw classifyChainError(error);
          });
        return { ...event, collateralProtocolFeeBps: Number(feeBps) };
      }),
    );
  let lookedUpTo: bigint | undefined;
  return {
    /** The Pool and event to add to a shared getLogs. */
    logSources: { addresses: [input.pool], events: [LIQUIDATION_CALL_EVENT] },
    /** The account's liquidations in blocks (lookedUpTo, blockNumber], from `shared` when a shared getLogs fetched them. */
    async since(
      blockNumber: bigint,
      shared: readonly ChangeLog[] | undefined,
      countRequest: () => void,
    ): Promise<AaveLiquidationFound[]> {
      if (shared !== undefined)
        return withProtocolFee(liquidationsAmong(shared, input.pool, input.account), countRequest);
      const from =
        lookedUpTo === undefined || blockNumber - lookedUpTo > MAX_LIQUIDATION_SCAN_BLOCKS
          ? blockNumber
          : lookedUpTo + 1n;
      if (from > blockNumber) return [];
      countRequest();
      let found: AaveLiquidationEvent[];
      try {
        const logs = await input.client.getLogs({
          address: input.pool,
          event: LIQUIDATION_CALL_EVENT,
          args: { user: input.account },
          fromBlock: from,
          toBlock: blockNumber,
          strict: true,
        });
        found = liquidationsAmong(
          logs.map((log) => ({
            address: log.address,
            eventName: log.eventName,
            args: log.args as Record<string, unknown>,
            blockNumber: log.blockNumber,
            logIndex: log.logIndex,
            transactionHash: log.transactionHash,
          })),
          input.pool,
          input.account,
        );
      } catch (error) {
        throw classifyChainError(error);
      }
      return withProtocolFee(found, countRequest);
    },
    /** A complete snapshot at `blockNumber` looked up to it. */
    remember(blockNumber: bigint): void {
      if (lookedUpTo === undefined || blockNumber > lookedUpTo) lookedUpTo = blockNumber;
    },
  };
}
