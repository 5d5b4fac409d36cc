import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { bytesToHex, encodeFunctionData } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolesAbi } from "zodiac-roles-sdk";
import { redisKeyPrefix } from "../../../keeper/config.ts";
import { jobIds } from "../../../keeper/job-ids.ts";
import { planMacKey, sealPlan } from "../../../keeper/plan-integrity.ts";
import { createPlanStore } from "../../../keeper/plan-store.ts";
import { LANE_PRIORITY, QUEUE_NAMES } from "../../../keeper/queues.ts";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature } from "../../../src/alerts/sinks.ts";
import { generatePricePath } from "../../../src/backtest/price-generators.ts";
import { parsePricePathCsv } from "../../../src/backtest/price-path.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../../src/devnet/accounts.ts";
import { setUpDevnetKeeper } from "../../../src/devnet/devnet-keeper-setup.ts";
import { parseManifest } from "../../../src/devnet/manifest.ts";
import { type Devnet, startDevnet } from "../../../src/devnet/start-devnet.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import type { Plan } from "../../../src/engine/plan.ts";
import { planId } from "../../../src/engine/plan-id.ts";
import { KEEPER_ROLE_KEY } from "../../../src/execution/role-keys.ts";
import { wallClock } from "../../../src/runtime/clock.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { plannedRecordOf } from "../../support/planned-record.ts";
import { runScript, type ScriptResult, startScript } from "../../support/run-script.ts";
import { historySample } from "../api/history-fixture.ts";

// `hedgekeeper` as an operator runs it: a child process against a devnet `hardhat node`, on the config that
// `init` writes, with the keeper hired the way a treasury hires it (setUpDevnetKeeper).
const dir = mkdtempSync(join(tmpdir(), "hedgekeeper-cli-"));
const manifestPath = join(dir, "devnet.json");
const configPath = join(dir, "hedgekeeper.yaml");
let devnet: Devnet;
let hedgeGuard: string;
let hedgeBounds: string;
let v4WithdrawalBounds: string;
const keeperKey = bytesToHex(devnetAccount(DEVNET_ACCOUNT_INDEXES.keeper).getHdKey().privateKey!);

function hedgekeeper(args: readonly string[], env: Record<string, string> = {}): Promise<ScriptResult> {
  return runScript("hedgekeeper", args, 60_000, { HK_KEEPER_PRIVATE_KEY: keeperKey, ...env });
}

beforeAll(async () => {
  devnet = await startDevnet({ port: await freeLoopbackPort(), manifestPath });
  const { scope } = await setUpDevnetKeeper(devnet.client, devnet.manifest);
  hedgeGuard = scope.hedgeGuard;
  hedgeBounds = scope.bounds.hedgeBounds;
  v4WithdrawalBounds = scope.uniswapV4!.withdrawalBounds;
}, 120_000);

afterAll(async () => {
  await devnet?.stop();
});

describe("hedgekeeper init", () => {
  it("writes the devnet config from the manifest, the same file as config/devnet.example.yaml but for URL, guard and both bounds", async () => {
    const run = await hedgekeeper([
      "init",
      "--network",
      "devnet",
      "--manifest",
      manifestPath,
      "--hedge-guard",
      hedgeGuard,
      "--hedge-bounds",
      hedgeBounds,
      "--v4-withdrawal-bounds",
      v4WithdrawalBounds,
      "--out",
      configPath,
    ]);
    expect(run.code).toBe(0);
    const written = readFileSync(configPath, "utf8");
    const example = readFileSync("config/devnet.example.yaml", "utf8");
    expect(written).toBe(
      example
        .replaceAll("http://127.0.0.1:8545", devnet.rpcUrl)
        .replace('hedgeGuard: "${HK_HEDGE_GUARD}"', `hedgeGuard: "${hedgeGuard}"`)
        .replace('hedgeBounds: "${HK_HEDGE_BOUNDS}"', `hedgeBounds: "${hedgeBounds}"`)
        .replace(
          'withdrawalBounds: "${HK_V4_WITHDRAWAL_BOUNDS}"',
          `withdrawalBounds: "${v4WithdrawalBounds}"`,
        ),
    );
    // The example's addresses are a fresh devnet's: deployment is deterministic.
    const fixture = parseManifest(
      JSON.parse(readFileSync("src/config/devnet-manifest.fixture.json", "utf8")),
      "fixture",
    );
    expect(devnet.manifest.contracts).toEqual(fixture.contracts);
    expect(written).not.toContain(keeperKey.slice(2));
    const again = await hedgekeeper([
      "init",
      "--network",
      "devnet",
      "--manifest",
      manifestPath,
      "--out",
      configPath,
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain("exists: pass --force");
  });
});

describe("hedgekeeper check", () => {
  it("passes when RPC, Redis, the keeper key and the deployed Roles permissions all match the config", async () => {
    const run = await hedgekeeper(["check", "-c", configPath, "--json"]);
    expect(run.stderr).toBe("");
    const report = JSON.parse(run.stdout);
    expect(report.results.filter((r: { ok: boolean }) => !r.ok)).toEqual([]);
    expect(report.drift).toEqual({ "devnet-treasury": { missing: [], unexpected: [] } });
    // Every allowance of a freshly hired keeper is full: none named exhausted.
    const allowances = report.results.find((r: { name: string }) => r.name === "allowances devnet-treasury");
    expect(allowances?.detail).toMatch(/^\d+ allowances; lowest hk\.[a-z.0-9]+ at 100\.0% of its cap/);
    expect(allowances?.detail).not.toContain("exhausted");
    expect(run.code).toBe(0);
    expect(run.stdout).not.toContain(keeperKey.slice(2));
  });

  it("reports a permission granted outside config as drift and exits non-zero", async () => {
    const snapshot = await devnet.snapshot();
    try {
      const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
      const { usdc } = devnet.manifest.contracts;
      await execSafeTransaction(
        devnet.client,
        devnet.manifest.contracts.treasurySafe,
        [devnetAccount(first), devnetAccount(second)],
        {
          to: devnet.manifest.contracts.roles,
          data: encodeFunctionData({
            abi: rolesAbi,
            functionName: "allowFunction",
            args: [KEEPER_ROLE_KEY, usdc, "0xa9059cbb", 0],
          }),
          label: "a sneaky transfer permission",
        },
      );
      const json = await hedgekeeper(["check", "-c", configPath, "--json"]);
      expect(json.code).toBe(1);
      expect(JSON.parse(json.stdout).drift["devnet-treasury"]).toEqual({
        missing: [],
        unexpected: [
          { key: `function:${KEEPER_ROLE_KEY}:${usdc.toLowerCase()}:0xa9059cbb`, deployed: "allow:0" },
        ],
      });
      const text = await hedgekeeper(["check", "-c", configPath]);
      expect(text.code).toBe(1);
      expect(text.stdout).toMatch(/FAIL {2}permissions devnet-treasury .*1 granted outside config/);
      expect(text.stdout).toContain(
        `unexpected  function:${KEEPER_ROLE_KEY}:${usdc.toLowerCase()}:0xa9059cbb`,
      );
    } finally {
      await devnet.revert(snapshot);
    }
  });

  it("reports a wrong chain id and an unreachable Redis, each by name", async () => {
    const text = readFileSync(configPath, "utf8").replace("chainId: 31337", "chainId: 1");
    const wrong = join(dir, "wrong-chain.yaml");
    writeFileSync(wrong, text);
    const run = await hedgekeeper(["check", "-c", wrong], { REDIS_URL: "redis://:hunter2@127.0.0.1:1" });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}rpc devnet\[0\] .*answers chain 31337, configured 1/);
    expect(run.stdout).toMatch(/FAIL {2}redis redis:\/\/:\*\*\*@127\.0\.0\.1:1.*no answer/);
    expect(run.stdout).not.toContain("hunter2");
  });

  it("refuses an invalid file with every bad key by path, and a literal private key, without printing it", async () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      readFileSync(configPath, "utf8")
        .replace("confirmations: 0", "confirmations: -1")
        .replace("mode: execute", "mode: yolo")
        .replace('privateKey: "${HK_KEEPER_PRIVATE_KEY}"', `privateKey: "${keeperKey}"`),
    );
    const run = await hedgekeeper(["check", "-c", bad]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("networks.devnet.confirmations:");
    expect(run.stderr).toContain("books.treasury-eth.mode:");
    expect(run.stderr).toContain(
      "treasuries.devnet-treasury.keeper.privateKey: a secret must be an ${ENV_VAR} reference",
    );
    expect(run.stderr).not.toContain(keeperKey.slice(2));
  });
});

describe("hedgekeeper status, plan and simulate", () => {
  // The written config's API port (8080) is the demo's: a demo running beside this suite would answer `status`.
  // A port nobody serves keeps "no keeper reachable" this test's own fact.
  beforeAll(async () => {
    const apiPort = await freeLoopbackPort();
    writeFileSync(
      configPath,
      readFileSync(configPath, "utf8").replace(
        /api:\n {2}host: "?127\.0\.0\.1"?\n {2}port: \d+/,
        `api:\n  host: 127.0.0.1\n  port: ${apiPort}`,
      ),
    );
  });

  it("status shows drift against thresholds and de-peg tiers, as JSON", async () => {
    const run = await hedgekeeper(["status", "-c", configPath, "--json"]);
    expect(run.code).toBe(0);
    const { books, keeper } = JSON.parse(run.stdout);
    expect(books[0]).toMatchObject({ bookId: "treasury-eth", mode: "execute", armBps: 100, rearmBps: 25 });
    expect(Math.abs(books[0].driftBps)).toBeLessThan(100);
    expect(books[0].depeg.map((d: { symbol: string }) => d.symbol)).toEqual(["USDC", "USDT", "DAI"]);
    // Every LP position, as the book page lists them: the Safe's two v3 LPs and its three v4 positions, the one in
    // the hooked dynamic-fee pool marked with its hook.
    type Lp = { protocol: string; dynamicFee: boolean; hook: { address: string } | null; valueUsd: number };
    const lps: Lp[] = books[0].lpPositions;
    expect(lps.filter((p) => p.protocol === "uniswap-v3")).toHaveLength(2);
    expect(lps.filter((p) => p.protocol === "uniswap-v4")).toHaveLength(3);
    for (const position of lps) expect(position.valueUsd).toBeGreaterThan(0);
    const hooked = lps.filter((p) => p.hook !== null);
    expect(hooked).toHaveLength(1);
    expect(hooked[0]).toMatchObject({ protocol: "uniswap-v4", dynamicFee: true });
    expect(hooked[0]!.hook!.address.toLowerCase()).toBe(
      devnet.manifest.uniswapV4!.dynamicFeeHook.toLowerCase(),
    );
    expect(keeper.reachable).toBe(false);
    expect(books[0].lastActions).toMatchObject({ source: "none", actions: [] });
    expect(books[0].evaluation).toMatchObject({ source: "none", latest: null });
  });

  it("plan shows the engine's decision without sending, and proposes a hedge once drift passes the band", async () => {
    const quiet = await hedgekeeper(["plan", "-c", configPath, "--json"]);
    expect(quiet.code).toBe(0);
    expect(JSON.parse(quiet.stdout).decisions[0]).toMatchObject({ kind: "noop", code: "within-band" });
    const snapshot = await devnet.snapshot();
    try {
      await devnet.runScenario("eth-rally");
      const blockBefore = await devnet.publicClient.getBlockNumber({ cacheTime: 0 });
      const run = await hedgekeeper(["plan", "-c", configPath]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/plan 0x[0-9a-f]{64} on the (routine|urgent) lane/);
      expect(run.stdout).toContain("perp.adjustPosition");
      expect(await devnet.publicClient.getBlockNumber({ cacheTime: 0 })).toBe(blockBefore);
    } finally {
      await devnet.revert(snapshot);
    }
  });

  it("simulate prints LP, hedge and net P&L for a named scenario and for shocks", async () => {
    const table = await hedgekeeper(["simulate", "eth-crash", "-c", configPath]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/shock\s+LP P&L\s+hedge P&L\s+spot P&L\s+net P&L\s+net bps/);
    expect(table.stdout).toContain("price -30.0%");
    const json = await hedgekeeper(["simulate", "price:-20,depeg:USDC:0.8774", "-c", configPath, "--json"]);
    expect(json.code).toBe(0);
    const [crash, depeg] = JSON.parse(json.stdout).books[0].results;
    expect(crash.lpPnlUsd).toBeLessThan(0);
    expect(crash.hedgePnlUsd).toBeGreaterThan(0);
    expect(crash.netPnlUsd).toBeCloseTo(crash.lpPnlUsd + crash.hedgePnlUsd + crash.spotPnlUsd, 6);
    expect(depeg.shock).toMatchObject({ kind: "depeg", priceUsd: 0.8774 });
  });

  it("answers --help on every command", async () => {
    for (const command of ["init", "check", "status", "plan", "simulate"]) {
      const run = await hedgekeeper([command, "--help"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`hedgekeeper ${command}`);
    }
    const top = await hedgekeeper(["--help"]);
    expect(top.stdout).toContain("commands:");
  });
});

describe("hedgekeeper backtest, export-prices and report, as a steward runs them", () => {
  // The steward's own config: the operator's, with a history store of its own in a temporary PGlite directory,
  // which the test fills with two days of 5-minute samples (a seeded GBM path) as the keeper records them.
  const stewardConfig = join(dir, "steward.yaml");
  const historyDir = join(dir, "history");
  const csvPath = join(dir, "exported.csv");
  const recorded = generatePricePath({
    model: "gbm",
    seed: 19,
    startSec: 1_767_225_600, // 2026-01-01T00:00:00Z
    stepSec: 300,
    steps: 2 * 288 + 1,
    startPriceUsd: 3000,
    driftAnnual: 0,
    sigmaAnnual: 0.8,
    fundingRateDaily: 0.0002,
  }).map(({ timestampSec, basePriceUsd, fundingRateDaily }) => ({
    timestampSec,
    basePriceUsd,
    fundingRateDaily,
  }));
  const [from, to] = [recorded[0]!.timestampSec, recorded[recorded.length - 1]!.timestampSec];
  /** Without the keeper's key in the environment: none of these commands signs anything. */
  const steward = (args: readonly string[]) =>
    runScript("hedgekeeper", args, 120_000, { HK_KEEPER_PRIVATE_KEY: "" });

  beforeAll(async () => {
    writeFileSync(
      stewardConfig,
      readFileSync(configPath, "utf8").replace(/dataDir: \.hedgekeeper\/history/, `dataDir: ${historyDir}`),
    );
    const store = await openHistoryStore({ dataDir: historyDir });
    try {
      for (const [i, point] of recorded.entries())
        await store.putSample(
          devnet.manifest.chainId,
          "treasury-eth",
          historySample(BigInt(1_000 + i), point.timestampSec, {
            basePriceUsd: point.basePriceUsd,
            poolPriceUsd: point.basePriceUsd,
            perpIndexPriceUsd: point.basePriceUsd,
            perpMarkPriceUsd: point.basePriceUsd,
            fundingRateDaily: point.fundingRateDaily,
            // The columns the report attributes P&L with, as the keeper writes them.
            attribution: {
              lpFeesOwedUsd: 0,
              lpDeltaBase: 250,
              spotBase: 0,
              pendingFundingUsd: 0,
              perp: null,
            },
          }),
          [],
        );
    } finally {
      await store.close();
    }
  }, 120_000);

  it("export-prices writes the recorded history as the CSV backtest reads, row for row", async () => {
    const run = await steward([
      "export-prices",
      "-c",
      stewardConfig,
      "--book",
      "treasury-eth",
      "--from",
      String(from),
      "--to",
      new Date(to * 1000).toISOString(),
      "--out",
      csvPath,
    ]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`wrote ${recorded.length} rows to ${csvPath}\n`);
    expect(parsePricePathCsv(readFileSync(csvPath, "utf8"))).toEqual(recorded);
  });

  it("backtest replays the exported CSV with the book's positions and policy, and prints the grid's frontier", async () => {
    const htmlPath = join(dir, "backtest.html");
    const grid = "armBps=100,200;costMargin=1,4";
    const text = await steward([
      "backtest",
      "-c",
      stewardConfig,
      "--book",
      "treasury-eth",
      "--prices",
      csvPath,
      "--grid",
      grid,
      "--out",
      htmlPath,
    ]);
    expect(text.stderr).toBe("");
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("treasury-eth");
    expect(text.stdout).toMatch(/hedge price P&L/);
    for (const label of [
      "armBps=100 costMargin=1",
      "armBps=100 costMargin=4",
      "armBps=200 costMargin=1",
      "armBps=200 costMargin=4",
    ])
      expect(text.stdout).toContain(label);
    expect(text.stdout).toMatch(/\* = on the frontier/);
    expect(text.stdout).toContain(`wrote ${htmlPath}`);
    const html = readFileSync(htmlPath, "utf8");
    expect(html).toMatch(/<svg[^>]*aria-label="residual risk against total cost"/);
    expect(html.match(/<circle /g)).toHaveLength(4);

    const json = await steward([
      "backtest",
      "-c",
      stewardConfig,
      "--book",
      "treasury-eth",
      "--prices",
      csvPath,
      "--json",
    ]);
    expect(json.code).toBe(0);
    const run = JSON.parse(json.stdout);
    expect(run).toMatchObject({
      bookId: "treasury-eth",
      steps: recorded.length,
      fromSec: from,
      toSec: to,
      grid: null,
    });
    // Every step decided, the quiet ones skipped inside the engine's band; the price moved the book.
    expect(run.configured.evaluatedSteps).toBeGreaterThan(0);
    const attribution = run.configured.report.attribution;
    expect(Math.abs(attribution.total.unexplainedUsd)).toBeLessThan(
      1e-6 * Math.max(1, attribution.grossPnlUsd),
    );
  });

  it("backtest names the bad line of a CSV and an unknown book; export-prices an empty period", async () => {
    const badCsv = join(dir, "bad.csv");
    const lines = readFileSync(csvPath, "utf8").split("\n");
    lines[3] = lines[3]!.replace(/^(\d+),[^,]+/, "$1,-5");
    writeFileSync(badCsv, lines.join("\n"));
    const badRow = await steward([
      "backtest",
      "-c",
      stewardConfig,
      "--book",
      "treasury-eth",
      "--prices",
      badCsv,
    ]);
    expect(badRow.code).toBe(1);
    expect(badRow.stderr).toMatch(/line 4, column base_price_usd/);
    const unknown = await steward([
      "backtest",
      "-c",
      stewardConfig,
      "--book",
      "no-such-book",
      "--prices",
      csvPath,
    ]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain("no-such-book");
    const empty = await steward([
      "export-prices",
      "-c",
      stewardConfig,
      "--book",
      "treasury-eth",
      "--from",
      String(to + 86_400),
      "--to",
      String(to + 2 * 86_400),
      "--out",
      join(dir, "empty.csv"),
    ]);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/book treasury-eth has 0 recorded sample\(s\) in that period/);
  });

  it("report reads the history without the keeper's key, which the keeper's own commands still require", async () => {
    const report = await steward([
      "report",
      "-c",
      stewardConfig,
      "--book",
      "treasury-eth",
      "--from",
      String(from),
      "--to",
      String(to),
      "--format",
      "json",
    ]);
    expect(report.stderr).toBe("");
    expect(report.code).toBe(0);
    const parsed = JSON.parse(report.stdout);
    expect(parsed.bookId).toBe("treasury-eth");
    expect(parsed.attribution.buckets.length).toBeGreaterThanOrEqual(2);
    // Positive control: a command that signs for the keeper still refuses to start without its key, by name.
    const plan = await steward(["plan", "-c", stewardConfig]);
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/keeper\.privateKey: environment variable HK_KEEPER_PRIVATE_KEY is not set/);
  });
});

/** A plan stored and queued for submission as an attacker with write access to Redis (not the key) would. */
async function queueForgedPlan(prefix: string, chainId: number): Promise<string> {
  const redis = new Redis(process.env.REDIS_URL!, { maxRetriesPerRequest: null });
  try {
    const blockNumber = 1n;
    const plan: Plan = {
      planId: planId("treasury-eth", blockNumber, []),
      bookId: "treasury-eth",
      blockNumber,
      lane: "routine",
      reason: "forged",
      actions: [],
      premise: {
        deadlineSec: 4_000_000_000,
        oracle: {
          feed: devnet.manifest.feeds.ethUsd.address,
          heartbeatSec: 3_600,
          minAnswer: 1n,
          maxAnswer: 1n << 200n,
        },
      },
      post: { minBalances: [] },
      expectedRiskReductionUsd: 0,
      expectedCost: { gasUsd: 0, feesUsd: 0, slippageUsd: 0, fundingUsd: 0, totalUsd: 0 },
      quote: { basePriceUsd: 3000, legs: [] },
      driftBpsBefore: 0,
      driftBpsAfter: 0,
    };
    await createPlanStore(redis, prefix, wallClock).create(
      sealPlan(planMacKey(`0x${"66".repeat(32)}`), plan),
      plannedRecordOf(plan, chainId),
    );
    const submit = new Queue(QUEUE_NAMES.submit, { connection: redis, prefix });
    await submit.add(
      "submit",
      { v: 1, chainId, planId: plan.planId },
      { jobId: jobIds.submit(chainId, plan.planId), priority: LANE_PRIORITY.routine },
    );
    await submit.close();
    return plan.planId;
  } finally {
    redis.disconnect();
  }
}

describe("hedgekeeper run", () => {
  it("runs the monitor and keeper from the config: /healthz, the book's drift on /metrics, a signed alert when drift leaves the band and a critical one for a plan forged into its Redis, the history and its API, a clean stop on SIGTERM", async () => {
    const runConfig = join(dir, "run.yaml");
    const init = await hedgekeeper([
      "init",
      "--network",
      "devnet",
      "--manifest",
      manifestPath,
      "--hedge-guard",
      hedgeGuard,
      "--hedge-bounds",
      hedgeBounds,
      "--v4-withdrawal-bounds",
      v4WithdrawalBounds,
      "--out",
      runConfig,
    ]);
    expect(init.code).toBe(0);
    const port = await freeLoopbackPort();
    const apiPort = await freeLoopbackPort();
    const historyDir = join(dir, "history");
    const keyPrefix = `hk-run-${Date.now()}`;
    writeFileSync(
      runConfig,
      readFileSync(runConfig, "utf8")
        .replace(
          /metrics:\n {2}host: "?127\.0\.0\.1"?\n {2}port: \d+/,
          `metrics:\n  host: 127.0.0.1\n  port: ${port}`,
        )
        .replace(
          /api:\n {2}host: "?127\.0\.0\.1"?\n {2}port: \d+/,
          `api:\n  host: 127.0.0.1\n  port: ${apiPort}`,
        )
        .replace("dataDir: .hedgekeeper/history", `dataDir: ${historyDir}`)
        .replace("keyPrefix: hk", `keyPrefix: ${keyPrefix}`)
        // Watch only (shadow): the drift the rally causes stays, so its alert must reach the sink.
        .replace("mode: execute", "mode: shadow")
        .replace(
          "  sinks: []",
          [
            "  sinks:",
            "    - kind: webhook",
            "      name: ops",
            '      url: "${HK_ALERT_WEBHOOK_URL}"',
            '      hmacSecret: "${HK_ALERT_WEBHOOK_SECRET}"',
            "      minSeverity: warning",
            "      maxPerMinute: 30",
          ].join("\n"),
        ),
    );
    expect(readFileSync(runConfig, "utf8")).toContain(`port: ${port}`);
    const received: { body: string; timestamp: string; signature: string }[] = [];
    const receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on("end", () => {
        received.push({
          body,
          timestamp: String(request.headers[TIMESTAMP_HEADER]),
          signature: String(request.headers[SIGNATURE_HEADER]),
        });
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const secret = "test-hmac-secret";
    const sinkEnv = { HK_ALERT_WEBHOOK_URL: receiverUrl, HK_ALERT_WEBHOOK_SECRET: secret };

    const { child, output, exited } = startScript("hedgekeeper", ["run", "-c", runConfig], {
      HK_KEEPER_PRIVATE_KEY: keeperKey,
      HK_ALERT_WEBHOOK_URL: receiverUrl,
      HK_ALERT_WEBHOOK_SECRET: secret,
      LOG_LEVEL: "error",
    });
    try {
      const deadline = Date.now() + 60_000;
      let metrics = "";
      let healthy = false;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        try {
          healthy = (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
          metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
        } catch {
          continue; // not listening yet
        }
        if (
          healthy &&
          metrics.includes('hedgekeeper_book_drift_bps{book_id="treasury-eth",network="devnet"}')
        )
          break;
      }
      expect(output()).toMatch(/hedgekeeper all running for treasury-eth/);
      expect(healthy, output()).toBe(true);
      expect(metrics).toContain('hedgekeeper_book_drift_bps{book_id="treasury-eth",network="devnet"}');
      expect(metrics).toMatch(/hedgekeeper_queue_depth\{queue="[^"]*evaluate[^"]*",network="devnet"\}/);

      // The rally pushes the book's drift beyond its band: the running process alerts the sink, signed.
      await devnet.runScenario("eth-rally");
      const alertDeadline = Date.now() + 60_000;
      const isDriftAlert = (r: { body: string }) => r.body.includes("hedge drift beyond band");
      while (Date.now() < alertDeadline && !received.some(isDriftAlert)) {
        await devnet.testClient.mine({ blocks: 1 });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const alert = received.find(isDriftAlert);
      expect(alert, output()).toBeDefined();
      expect(
        verifyWebhookSignature({
          secret,
          timestamp: alert!.timestamp,
          signature: alert!.signature,
          body: alert!.body,
          nowSec: Math.floor(Date.now() / 1000),
        }),
      ).toBe(true);

      // The same process serves the history: the book's status, the shadowed plan, the recorded alert.
      const api = async <T>(path: string): Promise<T> => {
        const response = await fetch(`http://127.0.0.1:${apiPort}${path}`);
        expect(response.status, path).toBe(200);
        return (await response.json()) as T;
      };
      const { books } = await api<{ books: { bookId: string; driftBps: number; thresholdBps: number }[] }>(
        "/api/books",
      );
      expect(books.map((b) => b.bookId)).toEqual(["treasury-eth"]);
      expect(Math.abs(books[0]!.driftBps)).toBeGreaterThan(books[0]!.thresholdBps);
      const { actions } = await api<{ actions: { status: string; mode: string }[] }>("/api/actions?limit=10");
      expect(
        actions.some((a) => a.mode === "shadow" && a.status === "shadowed"),
        JSON.stringify(actions),
      ).toBe(true);
      const { alerts } = await api<{ alerts: { title: string; status: string }[] }>("/api/alerts?limit=50");
      expect(alerts.some((a) => a.title.includes("hedge drift beyond band") && a.status === "firing")).toBe(
        true,
      );
      // `status` while it runs: the last actions come from the running process's API.
      const live = await hedgekeeper(["status", "-c", runConfig, "--json"], sinkEnv);
      expect(live.code, live.stderr).toBe(0);
      const liveActions = JSON.parse(live.stdout).books[0].lastActions;
      expect(liveActions.source).toBe("api");
      expect(liveActions.actions.some((a: { status: string }) => a.status === "shadowed")).toBe(true);
      // …and the keeper's latest evaluation with the book page's figures.
      const { evaluation } = JSON.parse(live.stdout).books[0];
      expect(evaluation.source).toBe("api");
      const detail = evaluation.latest.detail;
      expect(detail.targetEffectiveness.map((w: { label: string }) => w.label)).toEqual([
        "live",
        "1h",
        "1d",
        "7d",
        "30d",
      ]);
      expect(["realized", "fallback"]).toContain(detail.sigma.source);
      expect(detail.residualRisk.confidence).toBeCloseTo(0.95, 3);
      // LPs are short gamma; 0 once the rally has taken the position out of its range.
      expect(detail.lp.gammaUsdPer1Pct).toBeLessThanOrEqual(0);
      expect(detail.perp.liquidationPriceUsd).toBeGreaterThan(0);
      for (const row of detail.stress) expect(typeof row.liquidated).toBe("boolean");
      const scraped = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(scraped).toMatch(
        /hedgekeeper_job_duration_seconds_count\{network="devnet",job="[^"]*evaluate[^"]*",outcome="ok"\} [1-9]/,
      );

      // A plan written into the process's Redis by someone without the keeper's key (sealed with another key) is
      // refused by its worker, and the critical plan-tampered alert reaches the sink at once, signed.
      const forgedId = await queueForgedPlan(redisKeyPrefix(keyPrefix), devnet.manifest.chainId);
      const isTamperedAlert = (r: { body: string }) => r.body.includes(`plan-tampered:${forgedId}`);
      const tamperedDeadline = Date.now() + 20_000;
      while (Date.now() < tamperedDeadline && !received.some(isTamperedAlert)) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const tampered = received.find(isTamperedAlert);
      expect(tampered, output()).toBeDefined();
      expect(JSON.parse(tampered!.body)).toMatchObject({ severity: "critical", status: "firing" });
      expect(
        verifyWebhookSignature({
          secret,
          timestamp: tampered!.timestamp,
          signature: tampered!.signature,
          body: tampered!.body,
          nowSec: Math.floor(Date.now() / 1000),
        }),
      ).toBe(true);
    } finally {
      child.kill("SIGTERM");
      receiver.close();
    }
    expect([0, 143]).toContain(await exited);

    // Durable: after the process is gone, its history (decisions, noop included; the config in force) is on disk.
    const history = await openHistoryStore({ dataDir: historyDir });
    try {
      const decisions = await history.decisions({ limit: 1_000, bookId: "treasury-eth" });
      expect(decisions.some((d) => d.kind === "noop")).toBe(true);
      expect(decisions.some((d) => d.kind === "plan")).toBe(true);
      expect((await history.configVersion())?.hash).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await history.close();
    }
    // …and `status` reads the same actions from it once nothing serves the API.
    const after = await hedgekeeper(["status", "-c", runConfig], sinkEnv);
    expect(after.code, after.stderr).toBe(0);
    // (The forged plan, refused as tampered, is among them: the history keeps the refusal too.)
    expect(after.stdout).toMatch(
      /last actions \(from the history\):\n[\s\S]* routine +shadowed +0x[0-9a-f]{8}…/,
    );
    expect(after.stdout).toMatch(/ routine +failed +0x[0-9a-f]{8}… +no tx/);
    expect(after.stdout).toMatch(
      /keeper's evaluation at block \d+ \(from the history\):\n {4}effectiveness /,
    );
    expect(after.stdout).toContain("effectiveness against the 0.6 target:");
  });
});
