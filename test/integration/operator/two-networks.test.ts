import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex, type Hex, parseAbiItem } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDocument, type YAMLMap } from "yaml";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../../src/devnet/accounts.ts";
import {
  DEVNET_BOOK_ID,
  DEVNET_TREASURY_ID,
  devnetConfigTextWithGeneratedBooks,
} from "../../../src/devnet/devnet-config.ts";
import { type DevnetKeeperSetup, deployedOf } from "../../../src/devnet/devnet-keeper-setup.ts";
import { ARBITRUM_CHAIN_ID } from "../../../src/devnet/index.ts";
import { type Devnet, startDevnet } from "../../../src/devnet/start-devnet.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { postgresForTests } from "../../support/postgres.ts";
import { startScript } from "../../support/run-script.ts";
import { hireKeeperForRebalances } from "../keeper/hire-keeper.ts";
import { minedTransactionsPerPlan } from "../keeper/plans-on-chain.ts";

// `hedgekeeper run` on one configuration whose books are on two chains: the mainnet-shaped devnet (network
// "devnet") and the Arbitrum-shaped L2 devnet (network "arbitrum"), two real Hardhat nodes. The CLI supervises one
// keeper process per network and serves one /metrics, API and alert router over both (keeper/network-supervisor.ts).
const dir = mkdtempSync(join(tmpdir(), "hedgekeeper-two-networks-"));
const keeperKey = bytesToHex(devnetAccount(DEVNET_ACCOUNT_INDEXES.keeper).getHdKey().privateKey!);
const L2_NETWORK = "arbitrum";
const L2_TREASURY = "l2-treasury";
const L2_BOOK = "l2-eth";
const postgres = await postgresForTests();
const PLAN_ADMITTED = parseAbiItem(
  "event PlanAdmitted(address indexed treasury, bytes32 indexed bookKey, bytes32 indexed planId, uint256 planBlock)",
);

interface Chain {
  devnet: Devnet;
  setup: DevnetKeeperSetup;
  startBlock: bigint;
}
let l1: Chain;
let l2: Chain;

async function startChain(shape: "mainnet" | "arbitrum"): Promise<Chain> {
  const devnet = await startDevnet({
    port: await freeLoopbackPort(),
    manifestPath: join(dir, `${shape}.json`),
    shape,
  });
  const setup = await hireKeeperForRebalances(devnet.client, devnet.manifest);
  return { devnet, setup, startBlock: await devnet.publicClient.getBlockNumber({ cacheTime: 0 }) };
}

beforeAll(async () => {
  if (postgres.url === undefined) return;
  [l1, l2] = await Promise.all([startChain("mainnet"), startChain("arbitrum")]);
}, 150_000);
afterAll(async () => {
  await Promise.all([l1?.devnet.stop(), l2?.devnet.stop()]);
});

/** The devnet's file with the L2 devnet's network, treasury and book added under names of their own. */
function twoNetworkConfig(input: { metricsPort: number; apiPort: number; keyPrefix: string }): string {
  const textOf = (chain: Chain) =>
    devnetConfigTextWithGeneratedBooks(chain.devnet.manifest, [], {
      deployed: deployedOf(chain.setup.scope),
    });
  const document = parseDocument(textOf(l1));
  const l2Document = parseDocument(textOf(l2));
  document.setIn(["networks", L2_NETWORK], l2Document.getIn(["networks", "devnet"]));
  const treasury = l2Document.getIn(["treasuries", DEVNET_TREASURY_ID]) as YAMLMap;
  treasury.set("network", L2_NETWORK);
  document.setIn(["treasuries", L2_TREASURY], treasury);
  const book = l2Document.getIn(["books", DEVNET_BOOK_ID]) as YAMLMap;
  book.set("treasury", L2_TREASURY);
  document.setIn(["books", L2_BOOK], book);
  // The devnets' perp markets are thin (test/integration/keeper/keeper-harness.ts, keeperTestParams): trades of at
  // most $60k stay inside a plan's 1% perp slippage bound, and no cooldown lets the keeper walk a rally's drift back
  // over several blocks; no collateral withdrawals.
  for (const bookId of [DEVNET_BOOK_ID, L2_BOOK]) {
    document.setIn(["books", bookId, "cooldownSec"], 0);
    document.setIn(["books", bookId, "caps", "maxTradeUsd"], 60_000);
    document.setIn(["books", bookId, "caps", "maxSwapUsd"], 200_000);
    document.setIn(["books", bookId, "margin", "ceilingRatio"], 1_000);
  }
  document.setIn(["metrics", "port"], input.metricsPort);
  document.setIn(["api", "port"], input.apiPort);
  document.setIn(["redis", "keyPrefix"], input.keyPrefix);
  document.setIn(["history", "databaseUrl"], "${HK_DATABASE_URL}");
  // Few samples on fresh chains: σ is its fallback from the first evaluation, on both networks alike.
  document.setIn(["alerts", "sigmaFallback"], document.createNode({ maxDurationSec: 1 }));
  document.setIn(
    ["alerts", "sinks"],
    document.createNode([
      {
        kind: "webhook",
        name: "ops",
        url: "${HK_ALERT_WEBHOOK_URL}",
        hmacSecret: "${HK_ALERT_WEBHOOK_SECRET}",
        minSeverity: "info",
        maxPerMinute: 120,
      },
    ]),
  );
  return document.toString();
}

interface Delivered {
  key: string;
  status: string;
  fields: Record<string, unknown>;
}

async function waitFor<T>(
  what: string,
  read: () => Promise<T | undefined>,
  timeoutMs: number,
  mine?: () => Promise<void>,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await read().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    await mine?.();
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.skipIf(postgres.url === undefined)(
  `hedgekeeper run over two networks ${postgres.skipReason ?? ""}`,
  () => {
    it("keeps both chains' books in one process per network: a plan mined on each, one API and /metrics over both, each network's alert in one sink; a killed L2 process is restarted and L1 carries on", async () => {
      expect(l2.devnet.manifest.chainId).toBe(ARBITRUM_CHAIN_ID);
      const schema = postgres.freshSchema("two_networks");
      await postgres.query(`CREATE SCHEMA ${schema}`);
      const received: Delivered[] = [];
      const receiver = createServer((request, response) => {
        let body = "";
        request.on("data", (chunk: Buffer) => {
          body += chunk.toString();
        });
        request.on("end", () => {
          received.push(JSON.parse(body) as Delivered);
          response.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
      const [metricsPort, apiPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
      const config = join(dir, "two-networks.yaml");
      writeFileSync(
        config,
        twoNetworkConfig({
          metricsPort,
          apiPort,
          keyPrefix: `hk-two-networks-${Date.now()}`,
        }),
      );
      const { child, output, exited } = startScript("hedgekeeper", ["run", "-c", config], {
        HK_KEEPER_PRIVATE_KEY: keeperKey,
        HK_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        HK_ALERT_WEBHOOK_SECRET: "two-networks-secret",
        HK_DATABASE_URL: `${postgres.url}?options=-c%20search_path%3D${schema}`,
        LOG_LEVEL: process.env.HK_TEST_LOG_LEVEL ?? "error",
      });
      const mineBoth = async () => {
        await Promise.all([
          l1.devnet.testClient.mine({ blocks: 1 }),
          l2.devnet.testClient.mine({ blocks: 1 }),
        ]);
      };
      const pidOf = (network: string) =>
        [...output().matchAll(new RegExp(`network ${network}: keeper process (\\d+)`, "g"))].map((m) =>
          Number(m[1]),
        );
      const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const admitted = async (chain: Chain) => {
        const logs = await chain.devnet.publicClient.getLogs({
          address: chain.setup.scope.hedgeGuard as Hex,
          event: PLAN_ADMITTED,
          fromBlock: chain.startBlock,
          toBlock: "latest",
        });
        return logs.length > 0 ? logs : undefined;
      };
      try {
        await waitFor(
          "the supervisor's start line",
          async () => /supervising networks devnet, arbitrum/.test(output()) || child.exitCode !== null,
          60_000,
        );
        expect(child.exitCode).toBeNull();
        // One /metrics over both: each network's book drift, labelled by its network; and both processes up.
        const metrics = await waitFor(
          "both books on /metrics",
          async () => {
            const text = await scrape();
            return text.includes(`book_id="${L2_BOOK}",network="${L2_NETWORK}"`) &&
              text.includes(`book_id="${DEVNET_BOOK_ID}",network="devnet"`)
              ? text
              : undefined;
          },
          60_000,
          mineBoth,
        );
        expect(metrics).toMatch(/hedgekeeper_network_up\{network="devnet"\} 1/);
        expect(metrics).toMatch(/hedgekeeper_network_up\{network="arbitrum"\} 1/);

        // ETH rallies on both chains: each network's keeper rebalances its book on its own chain.
        await Promise.all([l1.devnet.runScenario("eth-rally"), l2.devnet.runScenario("eth-rally")]);
        await waitFor(
          "a plan executed on each chain",
          async () => (await admitted(l1)) && (await admitted(l2)),
          60_000,
          mineBoth,
        );
        for (const chain of [l1, l2]) {
          const logs = (await admitted(chain))!;
          const planIds = logs.map((log) => log.args.planId!);
          const counts = await minedTransactionsPerPlan(
            chain.devnet,
            chain.setup.scope.hedgeGuard as Hex,
            planIds,
            chain.startBlock,
          );
          expect(Object.values(counts).every((count) => count === 1)).toBe(true);
        }

        // One API over the shared history lists the books of both networks.
        const books = await waitFor(
          "both books in the API",
          async () => {
            const body = (await (await fetch(`http://127.0.0.1:${apiPort}/api/books`)).json()) as {
              books: { bookId: string }[];
            };
            const ids = body.books.map((b) => b.bookId);
            return ids.includes(DEVNET_BOOK_ID) && ids.includes(L2_BOOK) ? ids : undefined;
          },
          30_000,
          mineBoth,
        );
        expect(books).toEqual(expect.arrayContaining([DEVNET_BOOK_ID, L2_BOOK]));

        // Each network's σ-on-fallback alert, routed by the one router to the one sink, named by its network.
        await waitFor(
          "each network's alert at the sink",
          async () =>
            received.some((m) => m.key === `devnet/sigma-fallback:${DEVNET_BOOK_ID}`) &&
            received.some((m) => m.key === `arbitrum/sigma-fallback:${L2_BOOK}`),
          30_000,
          mineBoth,
        );
        const l2Alert = received.find((m) => m.key === `arbitrum/sigma-fallback:${L2_BOOK}`)!;
        expect(l2Alert.fields.network).toBe(L2_NETWORK);

        // The L2 process dies: it is restarted (metric and alert), and the L1 process is untouched.
        const [l1Pid] = pidOf("devnet");
        const [l2Pid] = pidOf(L2_NETWORK);
        expect(l1Pid).toBeGreaterThan(0);
        process.kill(l2Pid!, "SIGKILL");
        await waitFor("the L2 keeper restarted", async () => pidOf(L2_NETWORK).length === 2, 30_000);
        await waitFor(
          "the restart alert and the L2 process up again",
          async () => {
            const text = await scrape();
            return (
              received.some((m) => m.key === "network-restarted:arbitrum") &&
              /hedgekeeper_network_restarts_total\{network="arbitrum"\} 1/.test(text) &&
              /hedgekeeper_network_up\{network="arbitrum"\} 1/.test(text) &&
              // The new process's own health series, from its first health refresh.
              /hedgekeeper_queue_depth\{queue="[^"]*evaluate[^"]*",network="arbitrum"\}/.test(text)
            );
          },
          60_000,
          mineBoth,
        );
        const after = await scrape();
        expect(after).toMatch(/hedgekeeper_queue_depth\{queue="[^"]*evaluate[^"]*",network="devnet"\}/);
        expect(after).toMatch(/hedgekeeper_network_up\{network="devnet"\} 1/);
        expect(after).not.toMatch(/hedgekeeper_network_restarts_total\{network="devnet"\} [1-9]/);
        expect(pidOf("devnet")).toEqual([l1Pid]);
        expect(() => process.kill(l1Pid!, 0)).not.toThrow();
      } catch (error) {
        const plans = `L1 admitted ${(await admitted(l1).catch(() => undefined))?.length ?? 0}, L2 admitted ${(await admitted(l2).catch(() => undefined))?.length ?? 0}`;
        throw new Error(
          `${(error as Error).message} (${plans})\n--- hedgekeeper run said:\n${output().slice(-6_000)}`,
        );
      } finally {
        child.kill("SIGTERM");
        receiver.close();
      }
      expect(await exited).toBe(0);
      // Every network's process stopped with the supervisor.
      for (const pid of [...pidOf("devnet"), ...pidOf(L2_NETWORK)])
        expect(() => process.kill(pid, 0)).toThrow();
    }, 150_000);
  },
);
