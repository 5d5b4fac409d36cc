// Reads one book's chain state at one block into the engine's `BookSnapshot`. Every value comes from the same
// block (reads pinned to its number, its hash re-checked afterwards). The Safe's LP NFTs are discovered from the
// position manager (position-discovery.ts); immutable facts of positions, pools and tokens are read once
// (v3-statics.ts); what the logs prove unchanged since the last snapshot is taken from it (incremental-cache.ts);
// everything else is one batch of typed reads (v3-book-reads.ts, uniswap-v2-reads.ts, book-feeds.ts, the perp
// venue, the Aave account (aave-v3-reads.ts), spot-balances.ts). A steady-state snapshot costs a handful of requests however many positions there are.
import type { AbiEvent, Address, PublicClient } from "viem";
import { MULTICALL3_VIEWS_ABI } from "../chain/abis/multicall3-abi.ts";
import { classifyChainError } from "../chain/classify-error.ts";
import { MULTICALL3_ADDRESS } from "../chain/client.ts";
import { InconsistentBlockError } from "../chain/errors.ts";
import { type ContractRead, type ReadOutcome, readAtBlock } from "../chain/read-at-block.ts";
import { createReadBatch } from "../chain/read-batch.ts";
import type { SharedBlockReads } from "../chain/shared-block-reads.ts";
import { typedRead } from "../chain/typed-read.ts";
import type { BookSample, BookSnapshot, KeeperState } from "../engine/snapshot.ts";
import { type AaveLiquidationFound, createLiquidationWatch } from "./aave-liquidations.ts";
import { planAaveAccountReads } from "./aave-v3-reads.ts";
import { createBookFeeds } from "./book-feeds.ts";
import type { BookSources } from "./book-sources.ts";
import { createIncrementalCache } from "./incremental-cache.ts";
import { inChainOrder } from "./log-order.ts";
import type { LogScanLimits } from "./log-watch.ts";
import type { LpPrincipalFlowsScan } from "./lp-principal-flows.ts";
import type { FeedHealth } from "./oracle-health.ts";
import { createFundingSettlementWatch, type FundingSettlementsScan } from "./perp-funding-settlements.ts";
import { type PerpDepthHint, planPerpReads } from "./perp-venue.ts";
import { createPositionDiscovery } from "./position-discovery.ts";
import { createPositionEntries } from "./position-entries.ts";
import { planSpotReads } from "./spot-balances.ts";
import { createTokenRegistry, type TokenRegistry } from "./token-registry.ts";
import { planV2PairReads } from "./uniswap-v2-reads.ts";
import type { V3PositionState } from "./uniswap-v3-reads.ts";
import { planV3BookReads, v3PositionSnapshots } from "./v3-book-reads.ts";
import { createV3FlowsWatch } from "./v3-flows-watch.ts";
import { createV3Statics, type V3Sources } from "./v3-statics.ts";
import { createV4BookSide } from "./v4-book-side.ts";

export interface IndexedBook {
  snapshot: BookSnapshot;
  /** Per feed: why a reading is flagged (empty when usable). */
  feedHealth: Record<Address, FeedHealth>;
  /** Per tracked v3 pool: the TWAP tick over `twapWindowSec` (absent where the pool's history is too short). */
  poolTwapTicks: Record<Address, number>;
  /** What could not be read but does not make the snapshot unusable (e.g. a TWAP the pool cannot give yet). */
  warnings: string[];
  /** JSON-RPC requests this snapshot cost. */
  requests: number;
  /** Aave LiquidationCall events against the Safe since the last complete snapshot (none without an Aave leg). */
  aaveLiquidations: AaveLiquidationFound[];
  /**
   * The perp venue's funding settlements for the Safe since the last complete snapshot, whoever caused them, and the
   * first block that scan covered; absent without a perp venue that logs them.
   */
  fundingSettlements?: FundingSettlementsScan;
  /**
   * The principal and fees that went into and out of the Safe's v3 and v4 positions since the last complete
   * snapshot (or, on a cold snapshot, the resume block: v3 only), whoever sent the transaction (lp-principal-flows.ts,
   * v4-principal-flows.ts, v3-flows-watch.ts), and the first block from which they are all of the Safe's; absent
   * without a v3 side (v4 logs come with its getLogs) or when this snapshot had no span to read them over.
   */
  lpFlows?: LpPrincipalFlowsScan;
}

/** What the engine remembers of a book, and where its history's scans stopped. */
export interface IndexerMemory {
  keeper: KeeperState;
  /** The book's recent samples (below the snapshot's block), oldest first. */
  samples: BookSample[];
  /**
   * The first block no recorded sample's scan covered: where a cold snapshot's log streams resume (log-watch.ts).
   * Default: the block after the newest of `samples`; none without samples (the snapshot's block alone is read).
   */
  resumeFromBlock?: bigint;
}

/** The block after the newest sample: the first one the book's history has not seen scanned. */
export function resumeBlockAfter(samples: readonly Pick<BookSample, "blockNumber">[]): bigint | undefined {
  let newest: bigint | undefined;
  for (const { blockNumber } of samples)
    if (newest === undefined || blockNumber > newest) newest = blockNumber;
  return newest === undefined ? undefined : newest + 1n;
}

/** What the indexer keeps about a book's v3 side between snapshots. */
function createV3Side(
  client: PublicClient,
  safe: Address,
  v3: V3Sources,
  tokens: TokenRegistry,
  alsoLogs: Parameters<typeof createIncrementalCache>[0]["alsoLogs"],
  limits: LogScanLimits | undefined,
) {
  const statics = createV3Statics(v3, tokens);
  return {
    v3,
    statics,
    discovery: createPositionDiscovery({ positionManager: v3.positionManager, safe }),
    cache: createIncrementalCache({
      client,
      safe,
      positionManager: v3.positionManager,
      statics,
      ...(alsoLogs && { alsoLogs }),
    }),
    entries: createPositionEntries(client, v3.positionManager),
    // The Safe's v3 principal flows: from the cache's logs, or read alone over a span to build on (v3-flows-watch.ts).
    flows: createV3FlowsWatch({
      client,
      positionManager: v3.positionManager,
      safe,
      ...(limits && { limits }),
    }),
  };
}

const liquidityOf = (positions: ReadonlyMap<bigint, V3PositionState>) =>
  new Map([...positions].map(([id, p]) => [id, p.liquidity]));

export interface BookIndexerOptions {
  /**
   * Reads other indexers of the same node make alike at a block, sent once between them (shared-block-reads.ts):
   * books of several treasuries reading the same pools, feeds and markets. Without it every read is this indexer's.
   */
  sharedReads?: SharedBlockReads;
}

export function createBookIndexer(
  client: PublicClient,
  sources: BookSources,
  options: BookIndexerOptions = {},
) {
  const tokens = createTokenRegistry(sources.tokens);
  const feeds = createBookFeeds(sources);
  // The v4 side's logs come with the v3 side's, in its one getLogs per block; without a v3 side v4 is read whole.
  const v4Side =
    sources.uniswapV4 === undefined
      ? undefined
      : createV4BookSide(client, { safe: sources.safe, v4: sources.uniswapV4, tokens });
  // So do the Aave Pool's LiquidationCall events (aave-liquidations.ts).
  const liquidations =
    sources.aave === undefined
      ? undefined
      : createLiquidationWatch({
          client,
          pool: sources.aave.contracts.pool,
          protocolDataProvider: sources.aave.contracts.protocolDataProvider,
          account: sources.safe,
          ...(sources.logScan && { limits: sources.logScan }),
        });
  // And the perp venue's FundingPaymentSettled events (perp-funding-settlements.ts).
  const clearingHouse = sources.perp?.venue.fundingSettledBy;
  const fundingSettlements =
    clearingHouse === undefined
      ? undefined
      : createFundingSettlementWatch({
          client,
          clearingHouse,
          trader: sources.safe,
          ...(sources.logScan && { limits: sources.logScan }),
          // And the Vault's deposits and withdrawals for the Safe, in the same scan (perp-collateral-move-logs.ts).
          ...(sources.perp?.venue.collateralMovedBy !== undefined && {
            vault: sources.perp.venue.collateralMovedBy,
          }),
        });
  const alsoLogs = [v4Side?.logSources, liquidations?.logSources, fundingSettlements?.logSources].filter(
    (s) => s !== undefined,
  );
  // Per perp market: what the next snapshot reads of its depth in its main round (a hint, checked when decoded).
  const perpDepthHints = new Map<string, PerpDepthHint>();
  const v3Side =
    sources.uniswapV3 === undefined
      ? undefined
      : createV3Side(
          client,
          sources.safe,
          sources.uniswapV3,
          tokens,
          alsoLogs.length === 0
            ? undefined
            : {
                addresses: alsoLogs.flatMap((l) => l.addresses),
                events: alsoLogs.flatMap((l): readonly AbiEvent[] => l.events),
                // The PoolManager's Swap / ModifyLiquidity logs of the watched v4 pools: without them the v4 cache
                // never learns of a swap crossing a bound tick or of a liquidity change (stale fees and positions).
                ...(v4Side !== undefined && { byPoolId: v4Side.logSources.byPoolId }),
              },
          sources.logScan,
        );

  async function snapshotAt(blockNumber: bigint, memory: IndexerMemory): Promise<IndexedBook> {
    let requests = 0;
    const countRequest = () => {
      requests += 1;
    };
    // The header as the first indexer of this block read it; a request of this one's only if it was the first.
    const sharedHeader = (shared: SharedBlockReads) => {
      const sentBefore = shared.counts.sent;
      const header = shared.headerAt(client, blockNumber);
      if (shared.counts.sent > sentBefore) countRequest();
      return header.catch((error: unknown) => {
        throw classifyChainError(error);
      });
    };
    const getBlock = async () => {
      countRequest();
      return client.getBlock({ blockNumber }).catch((error: unknown) => {
        throw classifyChainError(error);
      });
    };

    const { sharedReads } = options;
    const block = sharedReads === undefined ? await getBlock() : await sharedHeader(sharedReads);
    const nowSec = Number(block.timestamp);
    const read = async (reads: readonly ContractRead[]): Promise<ReadOutcome[]> => {
      if (reads.length === 0) return [];
      if (sharedReads === undefined || block.hash === null) {
        countRequest();
        return readAtBlock(client, reads, { blockNumber });
      }
      const sentBefore = sharedReads.counts.sent;
      const outcomes = sharedReads.readAtBlock(client, reads, { blockNumber, blockHash: block.hash });
      // A round whose every read another indexer had sent costs this one no request.
      if (sharedReads.counts.sent > sentBefore) countRequest();
      return outcomes;
    };

    // What may have changed since the cached snapshot (undefined: read everything); then the Safe's position NFTs,
    // unless the logs prove none moved to or from the Safe since; then the immutable facts of any new ones.
    const since =
      v3Side === undefined || block.hash === null
        ? undefined
        : await v3Side.cache.changesSince(
            { number: blockNumber, hash: block.hash, parentHash: block.parentHash },
            countRequest,
          );
    // The v3 side's discovery and statics and the v4 side's candidates and statics do not depend on each other:
    // they run together (on a cold snapshot each side's rounds overlap the other's decoding).
    const [{ tokenIds, learned }, planV4] = await Promise.all([
      (async () => {
        if (v3Side === undefined) return { tokenIds: [], learned: undefined };
        const ids =
          since !== undefined && !since.changes.rediscover
            ? since.base.tokenIds
            : await v3Side.discovery.discover(read);
        // A new position's struct is read with its statics; the main round takes it from there. The statics'
        // second round (tick spacings, token metadata) is needed only to decode: it goes alongside the main round.
        return { tokenIds: ids, learned: await v3Side.statics.learnInTwo(ids, read) };
      })(),
      v4Side?.prepare({
        blockNumber,
        since: since && { blockNumber: since.base.blockNumber, logs: since.logs },
        read,
        countRequest,
      }),
    ]);
    const structsAtThisBlock = learned?.structs ?? new Map<bigint, V3PositionState>();

    // The main round: everything that changes, at this block, in one batch.
    const batch = createReadBatch();
    const decodeV3 =
      v3Side === undefined
        ? undefined
        : planV3BookReads(batch, {
            v3: v3Side.v3,
            statics: v3Side.statics,
            tokens,
            tokenIds,
            since,
            readAtThisBlock: structsAtThisBlock,
          });
    const decodeV2 = (sources.uniswapV2?.pairs ?? []).map((pair) =>
      planV2PairReads(batch, pair, sources.safe),
    );
    const decodeFeeds = feeds.plan(batch, nowSec);
    const decodePerp =
      sources.perp === undefined
        ? undefined
        : planPerpReads(
            batch,
            sources.perp,
            sources.safe,
            perpDepthHints.get(sources.perp.market.toLowerCase()),
          );
    const decodeAave =
      sources.aave === undefined
        ? undefined
        : planAaveAccountReads(
            batch,
            { contracts: sources.aave.contracts, account: sources.safe, assets: sources.aave.assets },
            blockNumber,
          );
    const decodeSpot = planSpotReads(batch, sources.spotTokens, sources.safe);
    // The log streams' events since the cached block, from the cache's getLogs; without it each stream reads its
    // own, from the block after its last look or, on a cold snapshot, from the resume block (log-watch.ts).
    const sharedLogs = since && { fromBlock: since.base.blockNumber + 1n, logs: since.logs };
    const resumeFromBlock = memory.resumeFromBlock ?? resumeBlockAfter(memory.samples);
    const liquidationsRead = liquidations?.since(blockNumber, sharedLogs, countRequest, resumeFromBlock);
    const settlementsRead = fundingSettlements?.since(blockNumber, sharedLogs, countRequest, resumeFromBlock);
    // The cached block the logs were read from, when not proven canonical yet: its hash as this block sees it.
    const cachedBlockHash =
      since?.verify === undefined
        ? undefined
        : batch.add(
            typedRead({
              address: MULTICALL3_ADDRESS,
              abi: MULTICALL3_VIEWS_ABI,
              functionName: "getBlockHash",
              args: [since.verify.blockNumber],
            }),
            `Multicall3.getBlockHash(${since.verify.blockNumber})`,
          );
    const decodeV4 = planV4?.(batch);
    // Every position's struct already read at this block (a cold snapshot): their entries' logs need nothing from
    // the main round, so they are read alongside it. Otherwise after it, from the structs it reads.
    const entriesEarly =
      v3Side !== undefined && tokenIds.every((id) => structsAtThisBlock.has(id))
        ? v3Side.entries.refresh(liquidityOf(structsAtThisBlock), blockNumber, countRequest)
        : undefined;
    const lpLogsRead = v3Side?.flows.scan(blockNumber, sharedLogs, countRequest, {
      resumeFromBlock,
      tokenIds,
    });
    const [outcomes, , , liquidationsScan, settlementsScan, lpLogs] = await Promise.all([
      read(batch.reads),
      learned?.rest(),
      entriesEarly,
      liquidationsRead,
      settlementsRead,
      lpLogsRead,
    ]);
    if (
      cachedBlockHash !== undefined &&
      cachedBlockHash.value(outcomes).toLowerCase() !== since?.verify?.blockHash.toLowerCase()
    ) {
      // The cache was built on a block since reorged away: what it took as unchanged may not be. Read everything
      // (liquidations included: the cold read takes the Pool's logs from the last complete snapshot again).
      v3Side?.cache.forget();
      const cold = await snapshotAt(blockNumber, memory);
      return { ...cold, requests: requests + cold.requests };
    }

    // The Safe's positions then and now (one minted, or burned, in between is among them), from the logs the cache
    // read for change detection, or read alone (after the statics' second round: a new position's tokens are known).
    const lpFlows: LpPrincipalFlowsScan | undefined =
      v3Side === undefined || lpLogs === undefined
        ? undefined
        : v3Side.flows.flowsOf(
            lpLogs,
            new Map(
              [...new Set([...(since?.base.tokenIds ?? []), ...tokenIds])].map((id) => {
                const { token0, token1 } = v3Side.statics.position(id);
                return [id, { token0: tokens.get(token0), token1: tokens.get(token1) }];
              }),
            ),
            since === undefined,
          );
    const v3Book = decodeV3?.(outcomes);
    const lpPositions: BookSnapshot["lpPositions"] = [];
    if (v3Side !== undefined && v3Book !== undefined) {
      if (entriesEarly === undefined)
        await v3Side.entries.refresh(liquidityOf(v3Book.positions), blockNumber, countRequest);
      lpPositions.push(...v3PositionSnapshots(v3Book.positions, v3Side.statics, v3Side.entries));
    }
    const v4 = await decodeV4?.(outcomes);
    if (v4 !== undefined) lpPositions.push(...v4.positions);
    // The v4 side's flows come from the same logs (the PoolManager's of its watched pools), oldest first with v3's.
    if (lpFlows !== undefined && v4?.flows !== undefined) {
      lpFlows.flows.push(...v4.flows);
      lpFlows.flows.sort(inChainOrder);
    } else if (lpFlows !== undefined && v4Side !== undefined) {
      // The v4 side's flows are unknown (no v4 cache to build on: a restart's span is read for v3 alone): the v3
      // flows are kept, but the scan vouches for no block of the Safe's flows ([blockNumber + 1, blockNumber]).
      lpFlows.scannedFromBlock = blockNumber + 1n;
    }
    const pools: BookSnapshot["pools"] = [...(v3Book?.pools ?? []), ...(v4?.pools ?? [])];
    for (const decode of decodeV2) {
      const pair = decode(outcomes, tokens);
      pools.push(pair.pool);
      if (pair.position !== null) lpPositions.push(pair.position);
    }
    const { baseOracle, oracles, feedHealth } = decodeFeeds(outcomes);
    // The market's initialized ticks around the price the main round read: from the hinted window the main round
    // read, or when it missed them, one more round at the same block.
    const perpRead = await decodePerp?.(outcomes, read);
    const perp = perpRead?.perp ?? null;
    const aave = decodeAave?.(outcomes);
    const spot = decodeSpot(outcomes);

    // The block must still be canonical: otherwise some reads may describe a block that no longer exists.
    const after = await getBlock();
    if (after.hash !== block.hash) {
      sharedReads?.forgetHeader(blockNumber);
      throw new InconsistentBlockError(`block ${blockNumber} changed while it was being read (reorg)`, {
        details: { before: block.hash, after: after.hash },
      });
    }
    // Only a complete, consistent snapshot is built on by the next one.
    if (v3Side !== undefined && v3Book !== undefined && block.hash !== null) {
      const { positions, pools: v3Pools } = v3Book;
      v3Side.cache.remember({ blockNumber, blockHash: block.hash, tokenIds, positions, pools: v3Pools });
    }
    if (lpLogs !== undefined) v3Side?.flows.remember(blockNumber, lpLogs.scannedFromBlock);
    if (v4 !== undefined) v4Side?.remember(blockNumber, v4.book);
    feeds.remember([baseOracle, ...oracles]);
    if (liquidationsScan !== undefined)
      liquidations?.remember(blockNumber, liquidationsScan.scannedFromBlock);
    if (settlementsScan !== undefined)
      fundingSettlements?.remember(blockNumber, settlementsScan.scannedFromBlock);
    if (perpRead !== undefined && sources.perp !== undefined)
      perpDepthHints.set(sources.perp.market.toLowerCase(), perpRead.nextDepthHint);

    return {
      snapshot: {
        bookId: sources.bookId,
        chainId: sources.chainId,
        blockNumber,
        blockTimestampSec: nowSec,
        safe: sources.safe,
        base: sources.base,
        baseOracle,
        oracles,
        pools,
        lpPositions,
        perp,
        ...(aave && { aave }),
        spot,
        keeper: memory.keeper,
        samples: memory.samples,
      },
      feedHealth,
      poolTwapTicks: v3Book?.twapTicks ?? {},
      warnings: v3Book?.warnings ?? [],
      requests,
      aaveLiquidations: liquidationsScan?.liquidations ?? [],
      ...(settlementsScan !== undefined && { fundingSettlements: settlementsScan }),
      ...(lpFlows !== undefined && { lpFlows }),
    };
  }

  return { snapshotAt };
}
