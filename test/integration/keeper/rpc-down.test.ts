import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { startHedgekeeper } from "../../../keeper/start-hedgekeeper.ts";
import { ConfigError } from "../../../src/config/config-error.ts";
import type { HedgekeeperConfig } from "../../../src/config/schema.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../../../src/devnet/devnet-config.ts";
import { deployedOf } from "../../../src/devnet/devnet-keeper-setup.ts";
import { produceBlocks, waitFor } from "./keeper-harness.ts";
import { useKeeperTestbed } from "./keeper-testbed.ts";

// An RPC node down at the keeper's start, then back: nothing escapes as an unhandled rejection, and the
// pipeline resumes. Its own file: it once failed after an earlier test in the same file had run (and reverted) a
// rally, under the old harness with a second snapshot layer; a probe of exactly that sequence on the current
// test bed passes, so the separation is kept only as a precaution.
const bed = useKeeperTestbed("keeper-rpc-down");
const { devnet, keeperFor, keeperNonce } = bed;

describe("the keeper with its RPC node down", () => {
  // The node is down at start: start() resolves, the start-up repair (eth_getTransactionCount) is retried in
  // the background (vitest fails the run on any unhandled rejection), and the senders start when it answers.
  it("resumes when the RPC node comes back after being down", async () => {
    await devnet().runScenario("eth-rally");
    const nonceBefore = await keeperNonce();
    bed.proxy.setFaults({ down: true });
    const keeper = keeperFor();
    await keeper.start();
    const blocks = produceBlocks(devnet());
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      expect(await keeper.plans.list()).toEqual([]);
      bed.proxy.setFaults({});
      const mined = await waitFor(
        "a mined plan after the node came back",
        async () => (await keeper.plans.list()).find((r) => r.status === "mined"),
        30_000,
      );
      expect(mined.txs).toHaveLength(1);
      expect(await keeperNonce()).toBeGreaterThan(nonceBefore);
    } finally {
      blocks.stop();
    }
  });

  // startHedgekeeper reads the perp legs' market pools from the chain before anything opens: a node down then is
  // waited for, as it is once started, while a configured pool the chain contradicts still fails at once.
  it("starts once the node is back when it was down at start, logging each failed read; a wrong marketPool fails at once with the ConfigError", async () => {
    const historyDir = mkdtempSync(join(tmpdir(), "hk-rpc-down-start-"));
    const configWith = (marketPool: `0x${string}` | undefined): HedgekeeperConfig => {
      const config = devnetConfig(devnet().manifest, {
        rpcUrl: bed.proxy.url,
        deployed: deployedOf(bed.setup.scope),
      });
      const book = config.books[DEVNET_BOOK_ID]!;
      if (book.hedge?.venue !== "perp-v2") throw new Error("the devnet book's hedge is not its perp leg");
      const { marketPool: _configured, ...contracts } = book.hedge.contracts;
      return {
        ...config,
        redis: { ...config.redis, url: process.env.REDIS_URL!, keyPrefix: bed.redis.prefix },
        metrics: { host: "127.0.0.1", port: 0 },
        api: { ...config.api, host: "127.0.0.1", port: 0 },
        history: { ...config.history, dataDir: historyDir },
        books: {
          ...config.books,
          [DEVNET_BOOK_ID]: {
            ...book,
            hedge: {
              ...book.hedge,
              contracts: { ...contracts, ...(marketPool !== undefined && { marketPool }) },
            },
          },
        },
      };
    };
    const logged: { msg: string; attempt?: number }[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const start = (config: HedgekeeperConfig) =>
      startHedgekeeper(config, {
        role: "all",
        logger,
        startChainBackoff: { baseDelayMs: 50, maxDelayMs: 200 },
      });
    try {
      bed.proxy.setFaults({ down: true });
      let settled = false;
      const starting = start(configWith(undefined)).finally(() => {
        settled = true;
      });
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      // Still waiting, not exited.
      expect(settled).toBe(false);
      bed.proxy.setFaults({});
      const running = await starting;
      await running.stop();
      const waits = logged.filter((l) => /perp market pools not read at start/.test(l.msg));
      expect(waits.length).toBeGreaterThanOrEqual(1);
      expect(waits.map((l) => l.attempt)).toEqual(waits.map((_, i) => i + 1));

      // A pool that is not the market's: the ConfigError naming the key, with the node up.
      const wrong = devnet().manifest.pools.usdcWeth500.address;
      const refused = start(configWith(wrong));
      await expect(refused).rejects.toThrow(ConfigError);
      await expect(refused).rejects.toThrow(/hedge\.contracts\.marketPool/);
    } finally {
      bed.proxy.setFaults({});
      rmSync(historyDir, { recursive: true, force: true });
    }
  }, 180_000);
});
