// The deleverager on the devnet with real Aave v3, Safe and Zodiac Roles bytecode: the keeper is off, ETH rallies,
// the Safe's health factor falls under its floor, and the deleverager, with its own repay-only key, repays through
// the Safe's Roles modifier until the target is back. One devnet, one setup; each test reverts to it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import {
  type Address,
  encodeFunctionData,
  keccak256,
  parseAbiItem,
  parseUnits,
  toFunctionSelector,
  toHex,
} from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { rolesAbi } from "zodiac-roles-sdk";
import { createDeleverager, type Deleverager } from "../../../keeper/deleverager.ts";
import { DELEVERAGER_KEY_ENV, deleveragerScopeOf } from "../../../keeper/deleverager-config.ts";
import { startDeleverager } from "../../../keeper/start-deleverager.ts";
import { AAVE_V3_POOL_ABI, AAVE_VARIABLE_RATE_MODE } from "../../../src/chain/abis/aave-v3-abi.ts";
import { runCheck } from "../../../src/cli/check.ts";
import { renderDevnetConfig } from "../../../src/cli/config-templates.ts";
import { ConfigError } from "../../../src/config/config-error.ts";
import { DELEVERAGER_SECRETS, parseConfig } from "../../../src/config/load-config.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount, devnetPrivateKey } from "../../../src/devnet/accounts.ts";
import { DEVNET_BOOK_ID } from "../../../src/devnet/devnet-config.ts";
import {
  type DevnetKeeperSetup,
  deployedOf,
  setUpDevnetKeeper,
} from "../../../src/devnet/devnet-keeper-setup.ts";
import { submitFeedAnswer } from "../../../src/devnet/feed-answer.ts";
import { openAaveBorrowShort } from "../../../src/devnet/starting-book-aave.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import { healthFactorWad } from "../../../src/engine/aave-leg.ts";
import { HEDGE_GUARD_ABI } from "../../../src/execution/abis.ts";
import { bookKey } from "../../../src/execution/book-key.ts";
import { DELEVERAGER_ROLE_KEY } from "../../../src/execution/role-keys.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { expectCustomError } from "../../support/custom-error.ts";
import { useDevnet } from "../../support/devnet.ts";
import { startFaultInjectingRpcProxy } from "../../support/fault-injecting-rpc-proxy.ts";
import { startScript } from "../../support/run-script.ts";

const devnet = useDevnet();
const FLOOR = 1.5;
const TARGET = 1.8;
const DELEVERAGER_KEY = devnetPrivateKey(DEVNET_ACCOUNT_INDEXES.deleverager);
let setup: DevnetKeeperSetup;

/** The devnet's configuration with the book hedged on Aave (USDC collateral), its keeper hired with a deleverager. */
function configWithAaveLeg() {
  return parseConfig(JSON.stringify(configTreeWithAaveLeg()), {
    source: "devnet configuration, deleverager host",
    // The deleverager's host: no keeper key in its environment.
    env: {},
    secretsUsed: DELEVERAGER_SECRETS,
  });
}

function configTreeWithAaveLeg() {
  const { manifest } = devnet();
  const aave = manifest.aave!;
  const tree = parseDocument(renderDevnetConfig(manifest, deployedOf(setup.scope))).toJS() as {
    books: Record<string, Record<string, unknown>>;
  };
  const book = tree.books[DEVNET_BOOK_ID]!;
  book.hedges = [
    {
      venue: "aave-v3-borrow",
      contracts: { pool: aave.pool, protocolDataProvider: aave.protocolDataProvider, oracle: aave.oracle },
      collateral: "USDC",
      healthFactor: { floor: FLOOR, target: TARGET, ceiling: 2.5 },
      minLiquidationDistanceBps: 3000,
      swap: { fee: 500, maxSlippageBps: 30 },
      caps: { maxTradeUsd: 500_000, maxDebtUsd: 2_000_000, maxCollateralMoveUsd: 500_000 },
    },
  ];
  delete book.hedge;
  return tree;
}

function deleverager(): Deleverager {
  const d = devnet();
  const scope = deleveragerScopeOf(configWithAaveLeg(), { env: { [DELEVERAGER_KEY_ENV]: DELEVERAGER_KEY } });
  return createDeleverager({
    logger: pino({ level: "silent" }),
    client: d.publicClient,
    chainId: scope.chainId,
    signer: devnetAccount(DEVNET_ACCOUNT_INDEXES.deleverager),
    books: scope.books,
    keeperGraceBlocks: 10,
    pollIntervalMs: 20,
  });
}

async function healthFactor(blockNumber?: bigint): Promise<bigint> {
  const d = devnet();
  const data = await d.publicClient.readContract({
    address: d.manifest.aave!.pool,
    abi: AAVE_V3_POOL_ABI,
    functionName: "getUserAccountData",
    args: [setup.scope.safe],
    ...(blockNumber !== undefined && { blockNumber }),
  });
  return data[5];
}

/** One sample of a Prometheus text exposition, matched by name and the labels given (undefined: absent). */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      [...(match[2] ?? "").matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[3]);
  }
  return undefined;
}

const head = () => devnet().publicClient.getBlockNumber({ cacheTime: 0 });

beforeAll(async () => {
  const d = devnet();
  setup = await setUpDevnetKeeper(d.client, d.manifest);
  const { manifest } = d;
  // 400,000 USDC supplied, 60 WETH borrowed and kept in the Safe: HF = 400,000 × 0.78 / (60 × 3000) ≈ 1.73.
  await openAaveBorrowShort(d.client, {
    safe: setup.scope.safe,
    signers: DEVNET_ACCOUNT_INDEXES.owners.slice(0, 2).map((index) => devnetAccount(index)),
    multiSendCallOnly: manifest.contracts.multiSendCallOnly,
    pool: manifest.aave!.pool,
    usdc: manifest.contracts.usdc,
    weth: manifest.contracts.weth,
  });
}, 120_000);

describe("the deleverager, keeper off", () => {
  it("holds while the health factor is above its floor, then repays to the target after ETH rallies, once", async () => {
    const d = devnet();
    // Positive control of the hold: the same book, healthy.
    const [held] = await deleverager().tick(await head());
    expect(held).toMatchObject({
      kind: "decided",
      decision: { kind: "hold", reason: "above-floor" },
      txHashes: [],
    });

    // ETH +20%: HF ≈ 1.73 × 3000 / 3600 ≈ 1.44, under the 1.5 floor. No keeper plan was ever admitted.
    await submitFeedAnswer(
      d.client,
      d.manifest.accounts.deployer.address,
      d.manifest.feeds.ethUsd.aggregator,
      3600,
    );
    expect(await healthFactor()).toBeLessThan(healthFactorWad(FLOOR));
    const debtBefore = await wethDebt();

    const [acted] = await deleverager().tick(await head());
    if (acted?.kind !== "decided" || acted.decision.kind !== "repay")
      throw new Error(`no repay: ${String(acted)}`);
    expect(acted.decision.source).toBe("wallet");
    expect(acted.txHashes).toHaveLength(1); // the Safe's allowance to the Pool already covered it: no approve
    const after = await healthFactor();
    // Aave's own figure after the repay: the target, less at most a block of interest.
    expect(after).toBeGreaterThan(healthFactorWad(FLOOR));
    expect(Number(after) / 1e18).toBeCloseTo(TARGET, 4);
    const repaid = debtBefore - (await wethDebt());
    expect(Number(repaid - acted.decision.units)).toBeLessThan(1e12); // the decided units, give or take interest

    // A restart (a new process, nothing remembered) at the next block derives from the chain: nothing more to do.
    const [again] = await deleverager().tick(await head());
    expect(again).toMatchObject({
      kind: "decided",
      decision: { kind: "hold", reason: "above-floor" },
      txHashes: [],
    });
  });

  it("runs as a block loop: started, it repays on the next block after the floor is crossed, and stops", async () => {
    const d = devnet();
    const running = deleverager();
    running.start();
    try {
      await submitFeedAnswer(
        d.client,
        d.manifest.accounts.deployer.address,
        d.manifest.feeds.ethUsd.aggregator,
        3600,
      );
      await d.client.testClient.mine({ blocks: 1 });
      const deadline = Date.now() + 20_000;
      while ((await healthFactor()) < healthFactorWad(FLOOR) && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 50));
      expect(Number(await healthFactor()) / 1e18).toBeCloseTo(TARGET, 4);
    } finally {
      await running.stop();
    }
  });

  it("leaves the book to the keeper while its last admitted plan is within the grace, by HedgeGuard's record", async () => {
    const d = devnet();
    await submitFeedAnswer(
      d.client,
      d.manifest.accounts.deployer.address,
      d.manifest.feeds.ethUsd.aggregator,
      3600,
    );
    // The keeper's urgent plan for the book, admitted by HedgeGuard through the Safe (as every plan batch begins).
    const planBlock = await head();
    const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
    await execSafeTransaction(d.client, setup.scope.safe, [devnetAccount(first), devnetAccount(second)], {
      to: setup.scope.hedgeGuard,
      data: encodeFunctionData({
        abi: HEDGE_GUARD_ABI,
        functionName: "checkOraclePremise",
        args: [
          { planId: keccak256(toHex("keeper-plan")), bookKey: bookKey(DEVNET_BOOK_ID), planBlock },
          2n ** 40n,
          { feed: d.manifest.feeds.ethUsd.address, minAnswer: 0n, maxAnswer: 10n ** 30n },
        ],
      }),
      label: "the keeper's plan admitted",
    });
    const [decision] = await deleverager().tick(await head());
    expect(decision).toMatchObject({ kind: "decided", decision: { kind: "hold", reason: "keeper-active" } });
    expect(await healthFactor()).toBeLessThan(healthFactorWad(FLOOR));
  });

  it("cannot borrow with the deleverager key: refused by the Roles modifier, while its repay passes", async () => {
    const d = devnet();
    const signer = devnetAccount(DEVNET_ACCOUNT_INDEXES.deleverager);
    const pool = d.manifest.aave!.pool;
    const weth = d.manifest.contracts.weth;
    const asRole = (data: `0x${string}`) =>
      d.publicClient.simulateContract({
        address: setup.scope.roles,
        abi: rolesAbi,
        functionName: "execTransactionWithRole",
        args: [pool, 0n, data, 0, DELEVERAGER_ROLE_KEY, true],
        account: signer,
      });
    await expectCustomError(
      asRole(
        encodeFunctionData({
          abi: AAVE_V3_POOL_ABI,
          functionName: "borrow",
          args: [weth, parseUnits("1", 18), AAVE_VARIABLE_RATE_MODE, 0, setup.scope.safe],
        }),
      ),
      "ConditionViolation",
      [3, expect.any(String)], // FunctionNotAllowed
    );
    // Positive control, same key, same role: the repay it is hired for.
    await asRole(
      encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "repay",
        args: [weth, parseUnits("1", 18), AAVE_VARIABLE_RATE_MODE, setup.scope.safe],
      }),
    );
  });

  it("is covered by `hedgekeeper check`: clean as hired, a borrow granted to the deleverager outside config is drift", async () => {
    const d = devnet();
    const config = configWithAaveLeg();
    const permissions = async () => {
      const report = await runCheck(config, { clients: { devnet: d.publicClient }, redisTimeoutMs: 200 });
      return {
        result: report.results.find((r) => r.name.startsWith("permissions devnet-treasury"))!,
        drift: report.drift["devnet-treasury"]!,
      };
    };
    // Positive control: the hired scope, the deleverager's repay-only role included, matches the chain.
    const clean = await permissions();
    expect(clean.result.ok, clean.result.detail).toBe(true);

    const borrowSelector = toFunctionSelector("borrow(address,uint256,uint256,uint16,address)");
    const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
    await execSafeTransaction(d.client, setup.scope.safe, [devnetAccount(first), devnetAccount(second)], {
      to: setup.scope.roles,
      data: encodeFunctionData({
        abi: rolesAbi,
        functionName: "allowFunction",
        args: [DELEVERAGER_ROLE_KEY, d.manifest.aave!.pool, borrowSelector, 0],
      }),
      label: "grant the deleverager borrow outside config",
    });
    const drifted = await permissions();
    expect(drifted.result.ok).toBe(false);
    expect(drifted.drift.unexpected.map((u) => u.key)).toEqual([
      `function:${DELEVERAGER_ROLE_KEY}:${d.manifest.aave!.pool.toLowerCase()}:${borrowSelector}`,
    ]);
  });

  it("runs as `hedgekeeper run --role deleverager`: a process with only its own key repays, serves its metrics and /healthz, alerts a webhook, and stops on SIGTERM", async () => {
    const d = devnet();
    const fromBlock = await head();
    // The in-process devnet, served over HTTP to the child process.
    const proxy = await startFaultInjectingRpcProxy({
      request: (args) => d.publicClient.request(args as never),
    });
    // The operator's webhook sink: every alert the process delivers, as received.
    const received: { key: string; severity: string; status: string }[] = [];
    const receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on("end", () => {
        received.push(JSON.parse(body) as (typeof received)[number]);
        response.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const dir = mkdtempSync(join(tmpdir(), "hk-deleverager-"));
    const configPath = join(dir, "hedgekeeper.yaml");
    const tree = configTreeWithAaveLeg() as unknown as Record<string, unknown> & {
      alerts: Record<string, unknown>;
    };
    tree.alerts.sinks = [
      {
        kind: "webhook",
        name: "ops",
        url: "${HK_ALERT_WEBHOOK_URL}",
        hmacSecret: "${HK_ALERT_WEBHOOK_SECRET}",
        minSeverity: "info",
        maxPerMinute: 120,
      },
    ];
    const HEAD_STALE_SEC = 4;
    tree.deleverager = { headStaleSec: HEAD_STALE_SEC };
    writeFileSync(configPath, stringify(tree));
    const metricsPort = await freeLoopbackPort();
    const metricsUrl = `http://127.0.0.1:${metricsPort}`;
    const env = {
      HK_DEVNET_RPC_URL: proxy.url,
      HK_KEEPER_PRIVATE_KEY: "",
      HK_ALERT_WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`,
      HK_ALERT_WEBHOOK_SECRET: "deleverager-test-secret",
    };
    try {
      await submitFeedAnswer(
        d.client,
        d.manifest.accounts.deployer.address,
        d.manifest.feeds.ethUsd.aggregator,
        3600,
      );
      const run = startScript(
        "hedgekeeper",
        ["run", "-c", configPath, "--role", "deleverager", "--metrics-port", String(metricsPort)],
        { ...env, [DELEVERAGER_KEY_ENV]: DELEVERAGER_KEY },
      );
      try {
        const deadline = Date.now() + 60_000;
        // Until the process has logged its repay (it logs once the receipt is in, after the chain shows it).
        const repaidLogged = () => run.output().includes("deleverager repaid the Safe's Aave debt");
        while (!repaidLogged() && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 200));
        expect(Number(await healthFactor()) / 1e18, run.output()).toBeCloseTo(TARGET, 4);
        expect(run.output()).toContain("deleverager repaid the Safe's Aave debt");

        // Its /metrics: the repay counter is the Repay events the Pool emitted for the Safe since the test began.
        const repays = await d.publicClient.getLogs({
          address: d.manifest.aave!.pool,
          event: parseAbiItem(
            "event Repay(address indexed reserve, address indexed user, address indexed repayer, uint256 amount, bool useATokens)",
          ),
          args: { user: setup.scope.safe },
          fromBlock,
        });
        expect(repays).toHaveLength(1);
        const scrape = async () => (await fetch(`${metricsUrl}/metrics`)).text();
        const book = { book_id: DEVNET_BOOK_ID, network: "devnet" };
        let text = await scrape();
        expect(sample(text, "hedgekeeper_deleverager_repays_total", { ...book, event: "confirmed" })).toBe(
          repays.length,
        );
        expect(sample(text, "hedgekeeper_deleverager_repays_total", { ...book, event: "sent" })).toBe(
          repays.length,
        );
        expect(
          sample(text, "hedgekeeper_deleverager_repays_total", { ...book, event: "failed" }),
        ).toBeUndefined();

        // The health factor it shows is Aave's own getUserAccountData at the block it read it at, after the repay.
        await d.client.testClient.mine({ blocks: 1 });
        const mined = await head();
        const readAt = async () => {
          text = await scrape();
          return sample(text, "hedgekeeper_deleverager_book_block_number", book);
        };
        const until = Date.now() + 20_000;
        while ((await readAt()) !== Number(mined) && Date.now() < until)
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect(sample(text, "hedgekeeper_deleverager_book_block_number", book), text).toBe(Number(mined));
        expect(sample(text, "hedgekeeper_deleverager_health_factor", book)).toBe(
          Number(await healthFactor(mined)) / 1e18,
        );
        expect(sample(text, "hedgekeeper_deleverager_health_factor_floor", book)).toBe(FLOOR);
        expect(sample(text, "hedgekeeper_deleverager_keeper_in_grace", book)).toBe(0);
        expect(sample(text, "hedgekeeper_deleverager_last_block_number", { network: "devnet" })).toBe(
          Number(mined),
        );

        // /healthz: 200 while the head advanced within deleverager.headStaleSec, 503 once it has not for longer.
        const healthz = async () => {
          const response = await fetch(`${metricsUrl}/healthz`);
          return { status: response.status, body: (await response.json()) as Record<string, unknown> };
        };
        expect(await healthz()).toMatchObject({
          status: 200,
          body: { ok: true, headStaleSec: HEAD_STALE_SEC },
        });
        await new Promise((resolve) => setTimeout(resolve, (HEAD_STALE_SEC + 1) * 1000));
        expect(await healthz()).toMatchObject({
          status: 503,
          body: { ok: false, headStaleSec: HEAD_STALE_SEC },
        });

        // The alerts reached the operator's webhook: the floor crossed (critical), the repay sent (warning).
        const alertDeadline = Date.now() + 10_000;
        const keys = () => received.map((m) => `${m.key} ${m.severity} ${m.status}`);
        while (
          !(
            keys().some((k) =>
              k.startsWith(`deleverager/repay-sent:${DEVNET_BOOK_ID}:${repays[0]!.transactionHash}`),
            ) && keys().includes(`deleverager/health-factor-under-floor:${DEVNET_BOOK_ID} critical resolved`)
          ) &&
          Date.now() < alertDeadline
        )
          await new Promise((resolve) => setTimeout(resolve, 100));
        expect(keys()).toEqual(
          expect.arrayContaining([
            `deleverager/health-factor-under-floor:${DEVNET_BOOK_ID} critical firing`,
            `deleverager/repay-sent:${DEVNET_BOOK_ID}:${repays[0]!.transactionHash} warning firing`,
            // Cleared by the repay: the next reading is above the floor.
            `deleverager/health-factor-under-floor:${DEVNET_BOOK_ID} critical resolved`,
          ]),
        );
      } finally {
        run.child.kill("SIGTERM");
      }
      expect(await run.exited).toBe(0);
    } finally {
      await proxy.stop();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it("starts on a book with a perp leg beside its Aave leg, the perp market pool read from the chain (after waiting out a node down at start, logging each failure); a wrong pool fails at once, naming the key", async () => {
    const d = devnet();
    const proxy = await startFaultInjectingRpcProxy({
      request: (args) => d.publicClient.request(args as never),
    });
    /** The Aave book with the devnet's perp leg back beside the Aave one, read through the proxy. */
    const configWithPerpLeg = (marketPool?: Address) => {
      const tree = configTreeWithAaveLeg() as ReturnType<typeof configTreeWithAaveLeg> & {
        networks: Record<string, { rpcUrls: string[] }>;
      };
      const rendered = parseDocument(renderDevnetConfig(d.manifest, deployedOf(setup.scope))).toJS() as {
        books: Record<string, { hedge: { contracts: Record<string, unknown> } }>;
      };
      const perp = rendered.books[DEVNET_BOOK_ID]!.hedge;
      const { marketPool: _configured, ...contracts } = perp.contracts;
      const book = tree.books[DEVNET_BOOK_ID]!;
      book.hedges = [
        { ...perp, contracts: { ...contracts, ...(marketPool !== undefined && { marketPool }) } },
        ...(book.hedges as unknown[]),
      ];
      tree.networks.devnet!.rpcUrls = [proxy.url];
      return parseConfig(JSON.stringify(tree), {
        source: "deleverager.yaml",
        env: {},
        secretsUsed: DELEVERAGER_SECRETS,
      });
    };
    const failures: { attempt: number; msg: string }[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => void failures.push(JSON.parse(line)) });
    const start = (config: ReturnType<typeof configWithAaveLeg>) =>
      startDeleverager(config, {
        env: { [DELEVERAGER_KEY_ENV]: DELEVERAGER_KEY },
        logger,
        metricsPort: 0,
        startChainBackoff: { baseDelayMs: 50, maxDelayMs: 200 },
      });
    try {
      // The scope alone refuses the perp leg with no pool: the start-up read is what completes it.
      expect(() =>
        deleveragerScopeOf(configWithPerpLeg(), { env: { [DELEVERAGER_KEY_ENV]: DELEVERAGER_KEY } }),
      ).toThrow(/marketPool/);

      proxy.setFaults({ down: true });
      const starting = start(configWithPerpLeg());
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      proxy.setFaults({});
      const running = await starting;
      try {
        expect(running.bookIds).toEqual([DEVNET_BOOK_ID]);
        const waits = failures.filter((f) => /perp market pools not read at start/.test(f.msg));
        expect(waits.length).toBeGreaterThanOrEqual(1);
        expect(waits.map((f) => f.attempt)).toEqual(waits.map((_, i) => i + 1));
      } finally {
        await running.stop();
      }

      // A configured pool that is not the market's: a ConfigError naming the key, at once (the node answers).
      const wrong = d.manifest.pools.usdcWeth500.address;
      await expect(start(configWithPerpLeg(wrong))).rejects.toThrow(ConfigError);
      await expect(start(configWithPerpLeg(wrong))).rejects.toThrow(/hedges\.0\.contracts\.marketPool/);
      // Positive control: the market's own pool, configured, starts.
      const configured = await start(configWithPerpLeg(d.manifest.contracts.perp.pool));
      await configured.stop();
    } finally {
      await proxy.stop();
    }
  });

  it("refuses to start with a key that is not the treasury's deleverager, naming the key", () => {
    const config = configWithAaveLeg();
    const other = devnetPrivateKey(DEVNET_ACCOUNT_INDEXES.keeper);
    expect(() => deleveragerScopeOf(config, { env: { [DELEVERAGER_KEY_ENV]: other } })).toThrow(ConfigError);
    expect(() => deleveragerScopeOf(config, { env: { [DELEVERAGER_KEY_ENV]: other } })).toThrow(
      /treasuries\.devnet-treasury\.deleverager/,
    );
    expect(() => deleveragerScopeOf(config, { env: {} })).toThrow(new RegExp(DELEVERAGER_KEY_ENV));
    expect(
      deleveragerScopeOf(config, { env: { [DELEVERAGER_KEY_ENV]: DELEVERAGER_KEY } }).books,
    ).toHaveLength(1);
  });
});

async function wethDebt(): Promise<bigint> {
  const d = devnet();
  const token: Address = d.manifest.aave!.reserves.weth.variableDebtToken;
  return d.publicClient.readContract({
    address: token,
    abi: [
      {
        type: "function",
        name: "balanceOf",
        stateMutability: "view",
        inputs: [{ name: "a", type: "address" }],
        outputs: [{ type: "uint256" }],
      },
    ],
    functionName: "balanceOf",
    args: [setup.scope.safe],
  });
}
