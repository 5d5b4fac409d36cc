// Aave v3 LiquidationCall events against a book's Safe, read from the Pool's logs since the last complete snapshot
// (log-watch.ts: in the v3 side's getLogs when it is made, else the Pool alone over the span not yet looked at).
import { type Address, encodeEventTopics, getAbiItem, type PublicClient } from "viem";
import { AAVE_V3_DATA_PROVIDER_ABI, AAVE_V3_POOL_ABI } from "../chain/abis/aave-v3-abi.ts";
import { classifyChainError } from "../chain/classify-error.ts";
import type { ChangeLog } from "./book-changes.ts";
import { inChainOrder } from "./log-order.ts";
import { createLogWatch, type LogScanLimits } from "./log-watch.ts";

export const LIQUIDATION_CALL_EVENT = getAbiItem({ abi: AAVE_V3_POOL_ABI, name: "LiquidationCall" });

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
  return found.sort(inChainOrder);
}

/** The account's liquidations over a scanned span, each with its protocol fee. */
export interface AaveLiquidationsScan {
  scannedFromBlock: bigint;
  liquidations: AaveLiquidationFound[];
}

/** The Pool's LiquidationCall stream for one account (log-watch.ts), each liquidation found with its protocol fee. */
export function createLiquidationWatch(input: {
  client: PublicClient;
  pool: Address;
  protocolDataProvider: Address;
  account: Address;
  /** How far a scan read alone reaches, and the node's range limit (default: 2,000 blocks each). */
  limits?: LogScanLimits;
}) {
  const watch = createLogWatch({
    client: input.client,
    addresses: [input.pool],
    events: [LIQUIDATION_CALL_EVENT],
    // Read alone, the Pool is asked for the account's liquidations only (user is LiquidationCall's third topic).
    topics: encodeEventTopics({
      abi: [LIQUIDATION_CALL_EVENT],
      eventName: "LiquidationCall",
      args: { user: input.account },
    }),
    ...input.limits,
  });
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
  return {
    /** The Pool and event to add to a shared getLogs. */
    logSources: watch.logSources,
    /** The account's liquidations up to `blockNumber` (LogWatch.scan: the span and where its logs come from). */
    async since(
      blockNumber: bigint,
      shared: { fromBlock: bigint; logs: readonly ChangeLog[] } | undefined,
      countRequest: () => void,
      resumeFromBlock?: bigint,
    ): Promise<AaveLiquidationsScan> {
      const { scannedFromBlock, logs } = await watch.scan(blockNumber, shared, countRequest, {
        resumeFromBlock,
      });
      return {
        scannedFromBlock,
        liquidations: await withProtocolFee(liquidationsAmong(logs, input.pool, input.account), countRequest),
      };
    },
    remember: watch.remember,
  };
}
