import { type Address, erc20Abi, getAbiItem, getAddress, type PublicClient } from "viem";
import { UNISWAP_V2_PAIR_ABI } from "../chain/abis/uniswap-v2-abi.ts";
import { POSITION_MANAGER_ABI, UNISWAP_V3_POOL_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { classifyChainError } from "../chain/classify-error.ts";
import { InconsistentBlockError, MalformedReturnDataError } from "../chain/errors.ts";
import { type ContractRead, type ReadOutcome, readAtBlock, requireValue } from "../chain/read-at-block.ts";
import type {
  BookSample,
  BookSnapshot,
  KeeperState,
  LpPositionSnapshot,
  OracleReading,
  PerpPositionSnapshot,
  PoolSnapshot,
  SpotBalance,
  TickFeeGrowth,
  TokenRef,
  V2PositionSnapshot,
  V3PoolSnapshot,
} from "../engine/snapshot.ts";
import { BOOK_CHANGE_EVENTS, type BookChanges, type ChangeLog, detectBookChanges } from "./book-changes.ts";
import type { BookSources } from "./book-sources.ts";
import { decodeFeed, type FeedSource, feedReads } from "./chainlink-reads.ts";
import type { FeedHealth, FeedRound } from "./oracle-health.ts";
import {
  computeV3PoolAddress,
  POSITION_READ_GAS,
  poolStateReads,
  poolStaticReads,
  tickReads,
  twapTickFromObservation,
} from "./uniswap-v3-reads.ts";

/** How many token ids past the last known count to read speculatively, saving a round when few were added. */
const DISCOVERY_SLACK = 4;

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
}

interface PositionStatics {
  tokenId: bigint;
  pool: Address;
  token0: Address;
  token1: Address;
  fee: number;
  tickLower: number;
  tickUpper: number;
}

interface PoolStatics {
  token0: Address;
  token1: Address;
  fee: number;
  tickSpacing: number;
}

type PositionTuple = readonly [
  bigint,
  Address,
  Address,
  Address,
  number,
  number,
  number,
  bigint,
  bigint,
  bigint,
  bigint,
  bigint,
];

/** The state a snapshot at `blockNumber` (with `blockHash`) left for the next one to build on. */
interface BookCache {
  blockNumber: bigint;
  blockHash: `0x${string}`;
  tokenIds: bigint[];
  positions: Map<bigint, PositionTuple>;
  /** `${pool lowercase}:${tick}` → fee growth outside. */
  ticks: Map<string, TickFeeGrowth>;
  /** Pool (lowercase) → its tick at `blockNumber`. */
  poolTicks: Map<string, number>;
}

const tickKey = (pool: Address, tick: number) => `${pool.toLowerCase()}:${tick}`;

/** Beyond this many blocks since the cache, one log query may exceed providers' ranges: read everything again. */
const MAX_INCREMENTAL_BLOCKS = 2_000n;

interface EntryCache {
  liquidity: bigint;
  amount0: bigint;
  amount1: bigint;
}

/**
 * Reads one book's chain state at one block and returns the engine's `BookSnapshot`. Every value comes
 * from the same block (reads pinned to its number, its hash re-checked afterwards); the Safe's LP NFTs are
 * discovered from the position manager; immutable facts (position bounds, pool keys, token metadata) are
 * read once and cached, so a steady-state snapshot costs four requests however many positions there are.
 */
export function createBookIndexer(client: PublicClient, sources: BookSources) {
  const tokens = new Map<string, TokenRef>(sources.tokens.map((t) => [t.address.toLowerCase(), t]));
  const positionStatics = new Map<bigint, PositionStatics>();
  const poolStatics = new Map<string, PoolStatics>();
  const entries = new Map<bigint, EntryCache>();
  const previousRounds = new Map<string, FeedRound>();
  let knownTokenCount = 0;
  let cache: BookCache | undefined;

  async function snapshotAt(
    blockNumber: bigint,
    memory: { keeper: KeeperState; samples: BookSample[] },
  ): Promise<IndexedBook> {
    let requests = 0;
    const read = async (reads: readonly ContractRead[]): Promise<ReadOutcome[]> => {
      if (reads.length === 0) return [];
      requests += 1;
      return readAtBlock(client, reads, { blockNumber });
    };
    const getBlock = async () => {
      requests += 1;
      try {
        return await client.getBlock({ blockNumber });
      } catch (error) {
        throw classifyChainError(error);
      }
    };

    const block = await getBlock();
    const nowSec = Number(block.timestamp);
    const v3 = sources.uniswapV3;

    // What may have changed since the cached snapshot (undefined: read everything).
    const changes =
      v3 === undefined || block.hash === null
        ? undefined
        : await changesSinceCache(v3, blockNumber, block.hash, () => {
            requests += 1;
          });
    const base = changes === undefined ? undefined : cache;

    // Round 1: discovery of the Safe's position NFTs (speculatively past the known count), unless the logs
    // prove no NFT moved to or from the Safe since the cached block.
    let tokenIds: bigint[] = [];
    if (v3 !== undefined && base !== undefined && !changes!.rediscover) {
      tokenIds = base.tokenIds;
    } else if (v3 !== undefined) {
      const speculative = knownTokenCount + DISCOVERY_SLACK;
      const discovery = await read([
        {
          address: v3.positionManager,
          abi: POSITION_MANAGER_ABI,
          functionName: "balanceOf",
          args: [sources.safe],
        },
        ...Array.from({ length: speculative }, (_, i) => ({
          address: v3.positionManager,
          abi: POSITION_MANAGER_ABI,
          functionName: "tokenOfOwnerByIndex",
          args: [sources.safe, BigInt(i)],
        })),
      ]);
      const count = Number(requireValue<bigint>(discovery[0], "positionManager.balanceOf(safe)"));
      if (count <= speculative) {
        tokenIds = discovery
          .slice(1, 1 + count)
          .map((o, i) => requireValue<bigint>(o, `tokenOfOwnerByIndex(${i})`));
      } else {
        const rest = await read(
          Array.from({ length: count }, (_, i) => ({
            address: v3.positionManager,
            abi: POSITION_MANAGER_ABI,
            functionName: "tokenOfOwnerByIndex",
            args: [sources.safe, BigInt(i)],
          })),
        );
        tokenIds = rest.map((o, i) => requireValue<bigint>(o, `tokenOfOwnerByIndex(${i})`));
      }
      knownTokenCount = count;
    }

    // Round 2 (only when something is new): immutable facts of new positions, pools and tokens.
    if (v3 !== undefined) await learnStatics(v3, tokenIds, read);

    // Main round: everything that changes, at this block.
    const trackedPools = v3 === undefined ? [] : trackedV3Pools(v3, tokenIds);
    const plan = buildMainReads(trackedPools, tokenIds, v3?.twapWindowSec ?? 0, {
      readPosition: (id) => base === undefined || changes!.positions.has(id) || !base.positions.has(id),
      readTick: (pool, tick) =>
        base === undefined ||
        (changes!.ticks.get(pool.toLowerCase())?.has(tick) ?? false) ||
        !base.ticks.has(tickKey(pool, tick)),
    });
    const outcomes = await read(plan.reads);
    const take = (range: [number, number]) => outcomes.slice(range[0], range[1]);

    const pools: PoolSnapshot[] = [];
    const poolTwapTicks: Record<Address, number> = {};
    const warnings: string[] = [];
    for (const [index, pool] of trackedPools.entries()) {
      const statics = poolStatics.get(pool.toLowerCase())!;
      const values = take(plan.pools[index]!);
      const slot0 = requireValue<readonly [bigint, number]>(values[0], `${pool}.slot0`);
      if (slot0[0] === 0n) throw new MalformedReturnDataError(`pool ${pool} has no price (uninitialized)`);
      // A pool whose oracle history is shorter than the window answers OLD: its TWAP is unknown, not zero, and
      // nothing else in the snapshot depends on it.
      const observation = values[4];
      if (observation?.ok) {
        poolTwapTicks[pool] = twapTickFromObservation(
          (observation.value as readonly [readonly bigint[]])[0],
          v3!.twapWindowSec,
        );
      } else {
        warnings.push(
          `${pool}: TWAP unavailable (${observation?.error.message.split("\n")[0] ?? "no result"})`,
        );
      }
      const ticks: TickFeeGrowth[] = (plan.ticksByPool.get(pool) ?? []).map(([tick, at]) => {
        if (at === undefined) return base!.ticks.get(tickKey(pool, tick))!;
        const t = requireValue<readonly [bigint, bigint, bigint, bigint]>(
          outcomes[at],
          `${pool}.ticks(${tick})`,
        );
        return { tick, feeGrowthOutside0X128: t[2], feeGrowthOutside1X128: t[3] };
      });
      pools.push({
        kind: "uniswap-v3",
        address: pool,
        token0: token(statics.token0),
        token1: token(statics.token1),
        fee: statics.fee,
        tickSpacing: statics.tickSpacing,
        sqrtPriceX96: slot0[0],
        tick: slot0[1],
        liquidity: requireValue<bigint>(values[1], `${pool}.liquidity`),
        feeGrowthGlobal0X128: requireValue<bigint>(values[2], `${pool}.feeGrowthGlobal0X128`),
        feeGrowthGlobal1X128: requireValue<bigint>(values[3], `${pool}.feeGrowthGlobal1X128`),
        ticks,
      } satisfies V3PoolSnapshot);
    }

    const lpPositions: LpPositionSnapshot[] = [];
    const positionValues = new Map<bigint, PositionTuple>();
    const liquidityNow = new Map<bigint, bigint>();
    for (const tokenId of tokenIds) {
      const at = plan.positions.get(tokenId);
      const p =
        at === undefined
          ? base!.positions.get(tokenId)!
          : (requireValue<readonly unknown[]>(outcomes[at], `positions(${tokenId})`) as PositionTuple);
      positionValues.set(tokenId, p);
      liquidityNow.set(tokenId, p[7]);
    }
    if (v3 !== undefined)
      await refreshEntries(v3.positionManager, tokenIds, liquidityNow, blockNumber, () => {
        requests += 1;
      });
    for (const tokenId of tokenIds) {
      const statics = positionStatics.get(tokenId)!;
      const p = positionValues.get(tokenId)!;
      const entry = entries.get(tokenId);
      lpPositions.push({
        kind: "uniswap-v3",
        tokenId,
        pool: statics.pool,
        tickLower: statics.tickLower,
        tickUpper: statics.tickUpper,
        liquidity: p[7],
        feeGrowthInside0LastX128: p[8],
        feeGrowthInside1LastX128: p[9],
        tokensOwed0: p[10],
        tokensOwed1: p[11],
        entry: entryOf(entry, p[7]),
      });
    }

    for (const [index, pair] of (sources.uniswapV2?.pairs ?? []).entries()) {
      const values = take(plan.v2[index]!);
      const [reserves, totalSupply, balance, token0, token1] = [
        requireValue<readonly [bigint, bigint, number]>(values[0], `${pair}.getReserves`),
        requireValue<bigint>(values[1], `${pair}.totalSupply`),
        requireValue<bigint>(values[2], `${pair}.balanceOf(safe)`),
        requireValue<Address>(values[3], `${pair}.token0`),
        requireValue<Address>(values[4], `${pair}.token1`),
      ];
      pools.push({
        kind: "uniswap-v2",
        address: pair,
        token0: token(token0),
        token1: token(token1),
        reserve0: reserves[0],
        reserve1: reserves[1],
        totalSupply,
      });
      if (balance > 0n) {
        // A v2 pair's entry is not recoverable from state; the current reserves stand in until history has it.
        lpPositions.push({
          kind: "uniswap-v2",
          pool: pair,
          lpBalance: balance,
          entry: {
            kind: "amounts",
            amount0: (reserves[0] * balance) / totalSupply,
            amount1: (reserves[1] * balance) / totalSupply,
          },
        } satisfies V2PositionSnapshot);
      }
    }

    const sequencer =
      sources.sequencerUptimeFeed === undefined
        ? undefined
        : (() => {
            const [round] = take(plan.sequencer!);
            const data = requireValue<readonly [bigint, bigint, bigint, bigint, bigint]>(
              round,
              "sequencer.latestRoundData",
            );
            return {
              answer: data[1],
              startedAt: data[2],
              gracePeriodSec: sources.sequencerUptimeFeed.gracePeriodSec,
            };
          })();
    const feedHealth: Record<Address, FeedHealth> = {};
    const readFeed = (source: FeedSource, range: [number, number]): OracleReading => {
      const values = take(range).map((o, i) =>
        requireValue(o, `${source.address}.${["latestRoundData", "decimals", "description"][i]}`),
      );
      const decoded = decodeFeed(source, values, {
        nowSec,
        previous: previousRounds.get(source.address.toLowerCase()),
        sequencer,
      });
      feedHealth[source.address] = decoded.health;
      return decoded.reading;
    };
    const baseOracle = readFeed(sources.baseFeed, plan.baseFeed);
    const oracles = sources.feeds.map((feed, index) => readFeed(feed, plan.feeds[index]!));

    let perp: PerpPositionSnapshot | null = null;
    if (sources.perp !== undefined) {
      const values = take(plan.perp!).map((o, i) => requireValue(o, `perp read ${i}`));
      perp = sources.perp.venue.decodePosition(values, {
        market: sources.perp.market,
        settlementToken: sources.perp.settlementToken,
      });
    }

    const spot: SpotBalance[] = sources.spotTokens.map((t, index) => ({
      token: t,
      balance: requireValue<bigint>(outcomes[plan.spot[index]!], `${t.symbol}.balanceOf(safe)`),
    }));

    // The block must still be canonical: otherwise some reads may describe a block that no longer exists.
    const after = await getBlock();
    if (after.hash !== block.hash) {
      throw new InconsistentBlockError(`block ${blockNumber} changed while it was being read (reorg)`, {
        details: { before: block.hash, after: after.hash },
      });
    }
    // Only a complete, consistent snapshot becomes the base for the next one.
    if (v3 !== undefined && block.hash !== null) {
      const ticks = new Map<string, TickFeeGrowth>();
      const poolTicks = new Map<string, number>();
      for (const pool of pools) {
        if (pool.kind !== "uniswap-v3") continue;
        poolTicks.set(pool.address.toLowerCase(), pool.tick);
        for (const tick of pool.ticks) ticks.set(tickKey(pool.address, tick.tick), tick);
      }
      cache = { blockNumber, blockHash: block.hash, tokenIds, positions: positionValues, ticks, poolTicks };
    }
    // Only a complete, consistent snapshot advances what "previous round" means for the feeds.
    for (const reading of [baseOracle, ...oracles]) {
      previousRounds.set(reading.feed.toLowerCase(), {
        roundId: reading.roundId,
        answer: reading.answer,
        startedAt: 0n,
        updatedAt: BigInt(reading.updatedAtSec),
      });
    }

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
        spot,
        keeper: memory.keeper,
        samples: memory.samples,
      },
      feedHealth,
      poolTwapTicks,
      warnings,
      requests,
    };
  }

  function token(address: Address): TokenRef {
    const known = tokens.get(address.toLowerCase());
    if (known === undefined) throw new MalformedReturnDataError(`no metadata for token ${address}`);
    return known;
  }

  function trackedV3Pools(v3: NonNullable<BookSources["uniswapV3"]>, tokenIds: readonly bigint[]): Address[] {
    const pools = new Map<string, Address>();
    for (const id of tokenIds) {
      const pool = positionStatics.get(id)!.pool;
      pools.set(pool.toLowerCase(), pool);
    }
    for (const pool of v3.extraPools) pools.set(pool.toLowerCase(), getAddress(pool));
    return [...pools.values()];
  }

  async function learnStatics(
    v3: NonNullable<BookSources["uniswapV3"]>,
    tokenIds: readonly bigint[],
    read: (reads: readonly ContractRead[]) => Promise<ReadOutcome[]>,
  ): Promise<void> {
    const newIds = tokenIds.filter((id) => !positionStatics.has(id));
    const newExtraPools = v3.extraPools.filter((pool) => !poolStatics.has(pool.toLowerCase()));
    if (newIds.length === 0 && newExtraPools.length === 0) return;
    const outcomes = await read([
      ...newIds.map((id) => ({
        address: v3.positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "positions",
        args: [id],
        gasHint: POSITION_READ_GAS,
      })),
      ...newExtraPools.flatMap((pool) => poolStaticReads(pool)),
    ]);
    const newTokens = new Set<Address>();
    for (const [index, id] of newIds.entries()) {
      const p = requireValue<readonly unknown[]>(outcomes[index], `positions(${id})`) as readonly [
        bigint,
        Address,
        Address,
        Address,
        number,
        number,
        number,
      ];
      const pool = computeV3PoolAddress({
        factory: v3.factory,
        tokenA: p[2],
        tokenB: p[3],
        fee: p[4],
        ...(v3.poolInitCodeHash === undefined ? {} : { initCodeHash: v3.poolInitCodeHash }),
      });
      positionStatics.set(id, {
        tokenId: id,
        pool,
        token0: p[2],
        token1: p[3],
        fee: p[4],
        tickLower: p[5],
        tickUpper: p[6],
      });
      if (!poolStatics.has(pool.toLowerCase())) {
        // Tick spacing follows from the fee tier (UniswapV3Factory.feeAmountTickSpacing); read it to be exact.
        poolStatics.set(pool.toLowerCase(), {
          token0: p[2],
          token1: p[3],
          fee: p[4],
          tickSpacing: Number.NaN,
        });
      }
      newTokens.add(p[2]);
      newTokens.add(p[3]);
    }
    for (const [index, pool] of newExtraPools.entries()) {
      const base = newIds.length + index * 4;
      const [token0, token1, fee, tickSpacing] = [0, 1, 2, 3].map((i) =>
        requireValue(outcomes[base + i], `${pool} static ${i}`),
      ) as [Address, Address, number, number];
      poolStatics.set(pool.toLowerCase(), { token0, token1, fee, tickSpacing });
      newTokens.add(token0);
      newTokens.add(token1);
    }
    const needSpacing = [...poolStatics.entries()].filter(([, s]) => Number.isNaN(s.tickSpacing));
    const unknownTokens = [...newTokens].filter((t) => !tokens.has(t.toLowerCase()));
    if (needSpacing.length === 0 && unknownTokens.length === 0) return;
    const more = await read([
      ...needSpacing.map(([pool]) => ({
        address: pool as Address,
        abi: UNISWAP_V3_POOL_ABI,
        functionName: "tickSpacing",
      })),
      ...unknownTokens.flatMap((t) => [
        { address: t, abi: erc20Abi, functionName: "decimals" },
        { address: t, abi: erc20Abi, functionName: "symbol" },
      ]),
    ]);
    for (const [index, [pool, statics]] of needSpacing.entries()) {
      poolStatics.set(pool, {
        ...statics,
        tickSpacing: requireValue<number>(more[index], `${pool}.tickSpacing`),
      });
    }
    for (const [index, address] of unknownTokens.entries()) {
      const base = needSpacing.length + index * 2;
      tokens.set(address.toLowerCase(), {
        address,
        decimals: requireValue<number>(more[base], `${address}.decimals`),
        symbol: requireValue<string>(more[base + 1], `${address}.symbol`),
      });
    }
  }

  /** Pool (lowercase) → the ticks the given positions use as bounds. */
  function boundsByPool(tokenIds: readonly bigint[]): Map<string, Set<number>> {
    const bounds = new Map<string, Set<number>>();
    for (const id of tokenIds) {
      const s = positionStatics.get(id)!;
      const set = bounds.get(s.pool.toLowerCase()) ?? new Set<number>();
      set.add(s.tickLower);
      set.add(s.tickUpper);
      bounds.set(s.pool.toLowerCase(), set);
    }
    return bounds;
  }

  /**
   * The changes since the cached snapshot, or undefined when there is no usable cache: none yet, an older block
   * asked for, a gap too long for one log query, or the cached block no longer canonical (a reorg).
   */
  async function changesSinceCache(
    v3: NonNullable<BookSources["uniswapV3"]>,
    blockNumber: bigint,
    blockHash: `0x${string}`,
    countRequest: () => void,
  ): Promise<BookChanges | undefined> {
    if (cache === undefined || blockNumber < cache.blockNumber) return undefined;
    if (blockNumber === cache.blockNumber) {
      return blockHash === cache.blockHash
        ? { rediscover: false, positions: new Set(), ticks: new Map() }
        : undefined;
    }
    if (blockNumber - cache.blockNumber > MAX_INCREMENTAL_BLOCKS) return undefined;
    const base = cache;
    countRequest();
    countRequest();
    let cachedBlockHash: `0x${string}` | null;
    let logs: ChangeLog[];
    try {
      const trackedPools = [...new Set(base.tokenIds.map((id) => positionStatics.get(id)!.pool))];
      const [cachedBlock, found] = await Promise.all([
        client.getBlock({ blockNumber: base.blockNumber }),
        client.getLogs({
          address: [v3.positionManager, ...trackedPools],
          events: BOOK_CHANGE_EVENTS,
          fromBlock: base.blockNumber + 1n,
          toBlock: blockNumber,
          strict: true,
        }),
      ]);
      cachedBlockHash = cachedBlock.hash;
      logs = found.map((log) => ({
        address: log.address,
        eventName: log.eventName,
        args: log.args as Record<string, unknown>,
        blockNumber: log.blockNumber,
        logIndex: log.logIndex,
      }));
    } catch (error) {
      throw classifyChainError(error);
    }
    if (cachedBlockHash !== base.blockHash) {
      cache = undefined;
      return undefined;
    }
    return detectBookChanges({
      logs,
      safe: sources.safe,
      positionManager: v3.positionManager,
      trackedTokenIds: new Set(base.tokenIds),
      trackedTicks: boundsByPool(base.tokenIds),
      cachedPoolTicks: base.poolTicks,
    });
  }

  function buildMainReads(
    trackedPools: readonly Address[],
    tokenIds: readonly bigint[],
    twapWindowSec: number,
    select: { readPosition(id: bigint): boolean; readTick(pool: Address, tick: number): boolean },
  ) {
    const reads: ContractRead[] = [];
    const push = (more: ContractRead[]): [number, number] => {
      const start = reads.length;
      reads.push(...more);
      return [start, reads.length];
    };
    const pools = trackedPools.map((pool) => push(poolStateReads(pool, twapWindowSec)));
    // Per pool, every tick a tracked position uses as a bound, with where its fresh read is (undefined: cached).
    const ticksByPool = new Map<Address, [number, number | undefined][]>();
    const bounds = boundsByPool(tokenIds);
    for (const pool of trackedPools) {
      ticksByPool.set(
        pool,
        [...(bounds.get(pool.toLowerCase()) ?? [])]
          .sort((a, b) => a - b)
          .map((tick) => [tick, select.readTick(pool, tick) ? push([tickReads(pool, tick)])[0] : undefined]),
      );
    }
    const v3 = sources.uniswapV3;
    const positions = new Map<bigint, number>();
    for (const id of tokenIds) {
      if (!select.readPosition(id)) continue;
      positions.set(
        id,
        push([
          {
            address: v3!.positionManager,
            abi: POSITION_MANAGER_ABI,
            functionName: "positions",
            args: [id],
            gasHint: POSITION_READ_GAS,
          },
        ])[0],
      );
    }
    const v2 = (sources.uniswapV2?.pairs ?? []).map((pair) =>
      push([
        { address: pair, abi: UNISWAP_V2_PAIR_ABI, functionName: "getReserves" },
        { address: pair, abi: UNISWAP_V2_PAIR_ABI, functionName: "totalSupply" },
        { address: pair, abi: UNISWAP_V2_PAIR_ABI, functionName: "balanceOf", args: [sources.safe] },
        { address: pair, abi: UNISWAP_V2_PAIR_ABI, functionName: "token0" },
        { address: pair, abi: UNISWAP_V2_PAIR_ABI, functionName: "token1" },
      ]),
    );
    const sequencer =
      sources.sequencerUptimeFeed === undefined
        ? undefined
        : push([feedReads(sources.sequencerUptimeFeed.address)[0]!]);
    const baseFeed = push(feedReads(sources.baseFeed.address));
    const feeds = sources.feeds.map((feed) => push(feedReads(feed.address)));
    const perp =
      sources.perp === undefined
        ? undefined
        : push(sources.perp.venue.positionReads(sources.safe, sources.perp.market));
    const spot = sources.spotTokens.map(
      (t) =>
        push([{ address: t.address, abi: erc20Abi, functionName: "balanceOf", args: [sources.safe] }])[0],
    );
    return { reads, pools, ticksByPool, positions, v2, sequencer, baseFeed, feeds, perp, spot };
  }

  /** Entry principal per position from its IncreaseLiquidity events, refreshed only when its liquidity changed. */
  async function refreshEntries(
    positionManager: Address,
    tokenIds: readonly bigint[],
    liquidityNow: ReadonlyMap<bigint, bigint>,
    toBlock: bigint,
    countRequest: () => void,
  ): Promise<void> {
    const stale = tokenIds.filter((id) => entries.get(id)?.liquidity !== liquidityNow.get(id));
    if (stale.length === 0) return;
    countRequest();
    let logs: Awaited<ReturnType<typeof client.getLogs>>;
    try {
      logs = await client.getLogs({
        address: positionManager,
        event: getAbiItem({ abi: POSITION_MANAGER_ABI, name: "IncreaseLiquidity" }),
        args: { tokenId: stale },
        fromBlock: 0n,
        toBlock,
        strict: true,
      });
    } catch (error) {
      throw classifyChainError(error);
    }
    const added = new Map<bigint, { liquidity: bigint; amount0: bigint; amount1: bigint }>();
    for (const log of logs) {
      const { tokenId, liquidity, amount0, amount1 } = (
        log as unknown as {
          args: { tokenId: bigint; liquidity: bigint; amount0: bigint; amount1: bigint };
        }
      ).args;
      const sum = added.get(tokenId) ?? { liquidity: 0n, amount0: 0n, amount1: 0n };
      added.set(tokenId, {
        liquidity: sum.liquidity + liquidity,
        amount0: sum.amount0 + amount0,
        amount1: sum.amount1 + amount1,
      });
    }
    for (const id of stale) {
      const sum = added.get(id);
      const now = liquidityNow.get(id) ?? 0n;
      // The principal still in the position: deposits scaled by the share of liquidity that remains.
      entries.set(
        id,
        sum === undefined || sum.liquidity === 0n
          ? { liquidity: now, amount0: 0n, amount1: 0n }
          : {
              liquidity: now,
              amount0: (sum.amount0 * now) / sum.liquidity,
              amount1: (sum.amount1 * now) / sum.liquidity,
            },
      );
    }
  }

  return { snapshotAt };
}

function entryOf(entry: EntryCache | undefined, liquidity: bigint): LpPositionSnapshot["entry"] {
  if (entry === undefined || liquidity === 0n) return { kind: "amounts", amount0: 0n, amount1: 0n };
  return { kind: "amounts", amount0: entry.amount0, amount1: entry.amount1 };
}
