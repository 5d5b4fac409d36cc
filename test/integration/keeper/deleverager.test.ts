// The deleverager on the devnet with real Aave v3, Safe and Zodiac Roles bytecode: the keeper is off, ETH rallies,
// the Safe's health factor falls under its floor, and the deleverager, with its own repay-only key, repays through
// the Safe's Roles modifier until the target is back. One devnet, one setup; each test reverts to it.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { type Address, encodeFunctionData, keccak256, parseUnits, toFunctionSelector, toHex } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { rolesAbi } from "zodiac-roles-sdk";
import { createDeleverager, type Deleverager } from "../../../keeper/deleverager.ts";
import { DELEVERAGER_KEY_ENV, deleveragerScopeOf } from "../../../keeper/deleverager-config.ts";
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

async function healthFactor(): Promise<bigint> {
  const d = devnet();
  const data = await d.publicClient.readContract({
    address: d.manifest.aave!.pool,
    abi: AAVE_V3_POOL_ABI,
    functionName: "getUserAccountData",
    args: [setup.scope.safe],
  });
  return data[5];
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

  it("runs as `hedgekeeper run --role deleverager`: a process with only its own key repays, and stops on SIGTERM", async () => {
    const d = devnet();
    // The in-process devnet, served over HTTP to the child process.
    const proxy = await startFaultInjectingRpcProxy({
      request: (args) => d.publicClient.request(args as never),
    });
    const dir = mkdtempSync(join(tmpdir(), "hk-deleverager-"));
    const configPath = join(dir, "hedgekeeper.yaml");
    writeFileSync(configPath, stringify(configTreeWithAaveLeg()));
    const env = { HK_DEVNET_RPC_URL: proxy.url, HK_KEEPER_PRIVATE_KEY: "" };
    try {
      await submitFeedAnswer(
        d.client,
        d.manifest.accounts.deployer.address,
        d.manifest.feeds.ethUsd.aggregator,
        3600,
      );
      const run = startScript("hedgekeeper", ["run", "-c", configPath, "--role", "deleverager"], {
        ...env,
        [DELEVERAGER_KEY_ENV]: DELEVERAGER_KEY,
      });
      try {
        const deadline = Date.now() + 60_000;
        // Until the process has logged its repay (it logs once the receipt is in, after the chain shows it).
        const repaidLogged = () => run.output().includes("deleverager repaid the Safe's Aave debt");
        while (!repaidLogged() && Date.now() < deadline)
          await new Promise((resolve) => setTimeout(resolve, 200));
        expect(Number(await healthFactor()) / 1e18, run.output()).toBeCloseTo(TARGET, 4);
        expect(run.output()).toContain("deleverager repaid the Safe's Aave debt");
      } finally {
        run.child.kill("SIGTERM");
      }
      expect(await run.exited).toBe(0);
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
