import type { Address, Hex } from "viem";
import type { TokenRef } from "../engine/snapshot.ts";
import type { AaveV3Contracts } from "./aave-v3-reads.ts";
import type { FeedSource } from "./chainlink-reads.ts";
import type { LogScanLimits } from "./log-watch.ts";
import type { PerpVenue } from "./perp-venue.ts";

/** Where one book's state lives on chain: everything the book indexer reads. */
export interface BookSources {
  bookId: string;
  chainId: number;
  /** The treasury Safe holding the book. */
  safe: Address;
  /** The risk asset the hedge offsets (e.g. WETH). */
  base: TokenRef;
  baseFeed: FeedSource;
  /** Other feeds the book needs (stablecoins). */
  feeds: readonly FeedSource[];
  /** Optional L2 sequencer uptime feed: answers are refused while it is down and during its grace period. */
  sequencerUptimeFeed?: { address: Address; gracePeriodSec: number };
  /**
   * How the Safe's event logs are read when no shared getLogs covered them (log-watch.ts): at most
   * `maxBlocksPerGetLogs` blocks a request, and after a restart from the book's last sample only when it is at most
   * `maxScanBlocks` back. Absent: 2,000 each.
   */
  logScan?: LogScanLimits;
  /** Known tokens (so their metadata is not read each time); others are read once and cached. */
  tokens: readonly TokenRef[];
  uniswapV3?: {
    factory: Address;
    positionManager: Address;
    poolInitCodeHash?: Hex;
    /** Pools to read even without a position in them (de-peg sources, the book's main pool). */
    extraPools: readonly Address[];
    twapWindowSec: number;
  };
  uniswapV2?: { pairs: readonly Address[] };
  /** Uniswap v4: the Safe's PositionManager NFTs, read through StateView (pools live in the PoolManager). */
  uniswapV4?: {
    poolManager: Address;
    positionManager: Address;
    stateView: Address;
    /** Where the Transfer logs that reveal the Safe's token ids are scanned from (the PositionManager's deployment). */
    fromBlock: bigint;
  };
  perp?: { venue: PerpVenue; market: Address; settlementToken: TokenRef };
  /** An `aave-v3-borrow` leg: the Safe's account, over these reserves (the short asset, the collateral, others). */
  aave?: { contracts: AaveV3Contracts; assets: readonly Address[] };
  spotTokens: readonly TokenRef[];
}
