// What every job of the keeper is handed: the small `common` context (config, logger, clock, shutdown) and
// the keeper's own handles. No globals.
import type { Logger } from "pino";
import type { LocalAccount, PublicClient } from "viem";
import type { BookMetrics } from "../src/engine/book-metrics.ts";
import type { BookParams } from "../src/engine/params.ts";
import type { BookSample, BookSnapshot, KeeperState } from "../src/engine/snapshot.ts";
import type { BookDetail } from "../src/evaluation/book-evaluation.ts";
import type { BookMode } from "../src/evaluation/plan-lifecycle.ts";
import type { ExecutionTargets } from "../src/execution/execution-targets.ts";
import type { AaveLiquidationFound } from "../src/indexers/aave-liquidations.ts";
import type { LpPrincipalFlowsScan } from "../src/indexers/lp-principal-flows.ts";
import type { FundingSettlementsScan } from "../src/indexers/perp-funding-settlements.ts";
import type { SampleStore } from "../src/indexers/sample-store.ts";
import type { Clock } from "../src/runtime/clock.ts";
import type { HistoryStore } from "../src/store/history-store.ts";
import type { BookStateStore } from "./book-state-store.ts";
import type { KeeperConfig } from "./config.ts";
import type { KeeperEvents } from "./events.ts";
import type { NonceLedger } from "./nonce-ledger.ts";
import type { PlanMacKey } from "./plan-integrity.ts";
import type { PlanStore } from "./plan-store.ts";
import type { KeeperQueues } from "./queues.ts";
import type { SignerLock } from "./signer-lock.ts";

export interface Shutdown {
  readonly signal: AbortSignal;
}

export interface KeeperCommon {
  config: KeeperConfig;
  logger: Logger;
  clock: Clock;
  shutdown: Shutdown;
}

/** Reads one book at one block (the book indexer, or a fixed snapshot in benchmarks). */
export interface BookReader {
  /**
   * `memory.samples` are the book's recent samples below the block: after a restart the reader's first snapshot
   * scans the Safe's events from the block after the newest of them (src/indexers/log-watch.ts).
   */
  snapshotAt(
    blockNumber: bigint,
    memory: { keeper: KeeperState; samples: BookSample[] },
  ): Promise<{
    snapshot: BookSnapshot;
    /** Aave liquidations of the Safe since the reader's last snapshot (book-indexer.ts reads them; absent = none). */
    aaveLiquidations?: readonly AaveLiquidationFound[];
    /** The Safe's perp funding settlements since the reader's last snapshot and the span scanned (absent = unknown). */
    fundingSettlements?: FundingSettlementsScan;
    /** The principal flows of the Safe's v3 positions since the reader's last snapshot and the span scanned. */
    lpFlows?: LpPrincipalFlowsScan;
  }>;
}

export interface KeeperBook {
  bookId: string;
  mode: BookMode;
  params: BookParams;
  targets: ExecutionTargets;
  reader: BookReader;
  /**
   * What the book reads, as a key (bookReadKey): books with the same key share one snapshot per block and are
   * evaluated in one job (book-groups.ts). Without one, the book is a group of its own.
   */
  readKey?: string;
}

/** Test seams for crash tests: run at the named point of a job (e.g. never return, as a killed worker). */
export interface KeeperHooks {
  /** The signed transaction is recorded and not yet broadcast. */
  afterSigned?(planId: string, txHash: string): Promise<void>;
  afterBroadcast?(planId: string, txHash: string): Promise<void>;
  /**
   * After each book evaluation (the operator layer turns it into metrics and alerts). A failure here is logged
   * and never fails the evaluation.
   */
  onEvaluation?(evaluation: {
    bookId: string;
    blockNumber: bigint;
    nowSec: number;
    metrics: BookMetrics;
    /**
     * Ederington effectiveness against the book's target per steward window (`live` = the last 240 blocks, `1h`,
     * `1d`, `7d`, `30d`), where the samples allow it.
     */
    effectiveness: Readonly<Record<string, number>>;
    /** What the engine read, and the block's sample (pool, mark and index prices) as kept for the next ones. */
    snapshot: BookSnapshot;
    sample: BookSample;
    /** The book's detail as recorded in the history (effectiveness windows); null without a history store. */
    detail: BookDetail | null;
  }): Promise<void>;
}

export interface KeeperContext {
  common: KeeperCommon;
  chainId: number;
  client: PublicClient;
  /** Where signed transactions go (a private relay), when configured; `client` otherwise. */
  sendClient: PublicClient;
  signer: LocalAccount;
  /** Seals every stored plan and verifies it before anything is signed from it; derived from the signer's key. */
  planKey: PlanMacKey;
  books: ReadonlyMap<string, KeeperBook>;
  /** The books by group id (book-groups.ts): the scan enqueues one evaluate-group job per group and block. */
  bookGroups: ReadonlyMap<string, readonly KeeperBook[]>;
  queues: KeeperQueues;
  plans: PlanStore;
  bookState: BookStateStore;
  ledger: NonceLedger;
  lock: SignerLock;
  samples: SampleStore;
  /** The durable history (samples, decisions, book status, plans); absent in tests that need none. */
  history?: HistoryStore;
  events: KeeperEvents;
  hooks: KeeperHooks;
}
