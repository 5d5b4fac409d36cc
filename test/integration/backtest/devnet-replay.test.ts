// The backtester against the keeper: the devnet's eth-rally played with a keeper in shadow mode (every plan
// recorded, none sent, so the chain's book moves with the market alone) recording every evaluation in a history
// store, then the recorded prices replayed through the backtester from the same starting book and policy, its
// plans recorded the same way. The backtester must find the keeper's decisions at the keeper's blocks: the same
// engine, the same memory between blocks (hysteresis, cooldown), prices from the store.
import type { PublicClient } from "viem";
import { describe, expect, it } from "vitest";
import { replayPricePath } from "../../../src/backtest/replay.ts";
import { bookSourcesFromConfig } from "../../../src/config/adapters.ts";
import { devnetConfig } from "../../../src/devnet/devnet-config.ts";
import { createBookIndexer } from "../../../src/indexers/book-indexer.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { BOOK_ID, keeperTestParams, waitFor } from "../keeper/keeper-harness.ts";
import { useKeeperTestbed } from "../keeper/keeper-testbed.ts";

const bed = useKeeperTestbed("backtest-devnet-replay");
const { devnet, keeperFor } = bed;

describe("the backtester on a recorded devnet run", () => {
  it("replays eth-rally's recorded prices and decides as the keeper did, block by block", async () => {
    const d = devnet();
    const chainId = d.manifest.chainId;
    const history = await openHistoryStore({ dataDir: "memory://backtest-devnet-replay" });
    try {
      const params = keeperTestParams(d);
      // The starting book, as the keeper first sees it: read at the block before the run.
      const startBlock = await d.publicClient.getBlockNumber({ cacheTime: 0 });
      const indexer = createBookIndexer(
        d.publicClient as PublicClient,
        bookSourcesFromConfig(devnetConfig(d.manifest), BOOK_ID),
      );
      const { snapshot: startBook } = await indexer.snapshotAt(startBlock, {
        keeper: { hedgeTriggered: false, lastPlanAtSec: null },
        samples: [],
      });

      const keeper = keeperFor({ history, mode: "shadow" });
      await keeper.start();
      const settled = (block: bigint) =>
        waitFor(`the keeper settled on block ${block}`, async () => {
          const health = await keeper.health();
          const evaluated = health.books.every((b) => (b.lastEvaluation?.blockNumber ?? -1n) >= block);
          const busy = Object.values(health.queues).some(
            (q) => q.waiting + q.prioritized + q.active + q.delayed > 0,
          );
          return evaluated && !busy;
        });
      await d.runScenario("eth-rally", {
        onBlock: async (block) => {
          await settled(block.blockNumber);
        },
      });
      await keeper.stop(2_000);

      // What the keeper recorded: a sample and a decision per block it evaluated after the start.
      const samples = (await history.samples(chainId).recent(BOOK_ID, { limit: 1_000 })).filter(
        (s) => s.blockNumber > startBlock,
      );
      const decisions = new Map(
        (await history.decisions({ limit: 1_000, bookId: BOOK_ID })).map((r) => [r.blockNumber, r]),
      );
      const live = samples.map((s) => decisions.get(s.blockNumber)!);
      expect(live.every((r) => r !== undefined)).toBe(true);
      const livePlans = live.filter((r) => r.kind === "plan").map((r) => r.blockNumber);
      expect(livePlans.length, "eth-rally makes the keeper hedge").toBeGreaterThan(0);

      // The recorded prices, block by block, through the backtester.
      const replay = replayPricePath({
        book: startBook,
        params,
        path: samples.map((s) => ({
          timestampSec: s.timestampSec,
          basePriceUsd: s.basePriceUsd,
          fundingRateDaily: s.fundingRateDaily,
        })),
        mode: "every-step",
        plans: "shadow",
      });
      const replayed = samples.map((s, i) => ({
        blockNumber: s.blockNumber,
        decision: replay.decisions[i]!,
      }));
      expect(live.some((r) => r.kind === "noop")).toBe(true);
      expect(replayed.map((r) => [r.blockNumber, r.decision.kind])).toEqual(
        replayed.map((r) => [r.blockNumber, decisions.get(r.blockNumber)!.kind]),
      );
      // The plans are at the keeper's blocks, and only recorded: the replayed book kept its hedge, as the chain did.
      expect(replayed.filter((r) => r.decision.kind === "plan").map((r) => r.blockNumber)).toEqual(livePlans);
      expect(replay.executed).toEqual([]);
      expect(replay.finalBook.perp!.sizeBase).toBe(startBook.perp!.sizeBase);
    } finally {
      await history.close();
    }
  }, 240_000);
});
