import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { renderDevnetConfig, renderRpcConfig } from "../cli/config-templates.ts";
import { devnetTreasuryScope } from "../devnet/devnet-keeper-setup.ts";
import { parseManifest } from "../devnet/manifest.ts";
import { SIGMA_DEFAULTS, sigmaParamsOf } from "../engine/volatility.ts";
import { MULTI_SEND_UNWRAPPER } from "../execution/multisend-unwrapper.ts";
import {
  bookParamsFromConfig,
  bookSourcesFromConfig,
  chainClientOptionsFromConfig,
  treasuryScopeFromConfig,
} from "./adapters.ts";
import { ConfigError } from "./config-error.ts";
import { renderConfigReference } from "./config-reference.ts";
import { referencedVariables } from "./env-references.ts";
import { DELEVERAGER_SECRETS, parseConfig } from "./load-config.ts";

const manifest = parseManifest(
  JSON.parse(readFileSync(new URL("./devnet-manifest.fixture.json", import.meta.url), "utf8")),
  "fixture",
);
const HEDGE_GUARD = "0x00000000000000000000000000000000000000aa";
const HEDGE_BOUNDS = "0x00000000000000000000000000000000000000bb";
const V4_WITHDRAWAL_BOUNDS = "0x00000000000000000000000000000000000000cc";
const ENV = {
  HK_HEDGE_GUARD: HEDGE_GUARD,
  HK_HEDGE_BOUNDS: HEDGE_BOUNDS,
  HK_V4_WITHDRAWAL_BOUNDS: V4_WITHDRAWAL_BOUNDS,
  HK_KEEPER_PRIVATE_KEY: `0x${"11".repeat(32)}`,
};
const devnetYaml = () => renderDevnetConfig(manifest);
const WIDE_BOUNDS = { perpSlippageBps: 9_999, swapSlippageBps: 9_999, lpPriceBandBps: 9_999, unsafe: true };

/** The devnet config with `edit` applied to its parsed tree, back as YAML. */
function edited(edit: (tree: Record<string, any>) => void): string {
  const tree = parseDocument(devnetYaml()).toJS() as Record<string, any>;
  edit(tree);
  return JSON.stringify(tree);
}

function issuesOf(text: string, env: Record<string, string> = ENV) {
  try {
    parseConfig(text, { env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).issues;
  }
  throw new Error("expected the configuration to be refused");
}

describe("the configuration file", () => {
  it("accepts the devnet example as written by init", () => {
    const config = parseConfig(devnetYaml(), { env: ENV });
    expect(config.books["treasury-eth"]?.mode).toBe("execute");
    expect(config.networks.devnet?.rpcUrls).toEqual(["http://127.0.0.1:8545"]);
  });

  it("keeps the committed examples equal to what init and the docs script write", () => {
    const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
    expect(read("config/devnet.example.yaml")).toBe(devnetYaml());
    expect(read("config/mainnet.example.yaml")).toBe(renderRpcConfig({ chainId: 1 }));
    expect(read("docs/config-reference.md")).toBe(renderConfigReference());
  });

  it("accepts the mainnet example once its references are set, and names every variable it needs", () => {
    const text = renderRpcConfig({ chainId: 1 });
    const vars = referencedVariables(parseDocument(text).toJS());
    expect(vars).toContain("HK_KEEPER_PRIVATE_KEY");
    expect(vars).toContain("HK_PERP_CLEARING_HOUSE");
    const env = Object.fromEntries(
      vars.map((v, i) => [v, `0x${(i + 1).toString(16).padStart(40, "0")}`]),
    ) as Record<string, string>;
    env.HK_RPC_URL = "https://eth.example/v2/abcdefghijklmnopqrstuvwx";
    env.REDIS_URL = "redis://127.0.0.1:6379";
    env.HK_KEEPER_PRIVATE_KEY = `0x${"22".repeat(32)}`;
    const config = parseConfig(text, { env });
    expect(config.books["treasury-eth"]?.hedge).toBeUndefined();
    expect(bookSourcesFromConfig(config, "treasury-eth").perp).toBeUndefined();
    // The mainnet book is hedged on Aave v3's Ethereum market, at its real addresses.
    const aave = bookSourcesFromConfig(config, "treasury-eth").aave;
    expect(aave?.contracts.pool).toBe("0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2");
    expect(bookParamsFromConfig(config, "treasury-eth").aave?.healthFactor).toEqual({
      floor: 1.5,
      target: 1.8,
      ceiling: 2.5,
    });
  });

  it("reads the single perp `hedge` as a book's one perp-v2 leg, the same as `hedges` with it", () => {
    const legacy = parseConfig(devnetYaml(), { env: ENV });
    const asLegs = parseConfig(
      edited((t) => {
        const book = t.books["treasury-eth"];
        book.hedges = [book.hedge];
        delete book.hedge;
      }),
      { env: ENV },
    );
    const { perp: legacyPerp, ...legacySources } = bookSourcesFromConfig(legacy, "treasury-eth");
    const { perp: legPerp, ...legSources } = bookSourcesFromConfig(asLegs, "treasury-eth");
    expect(legSources).toEqual(legacySources);
    expect(legPerp?.market).toBe(legacyPerp?.market);
    expect(bookParamsFromConfig(asLegs, "treasury-eth")).toEqual(
      bookParamsFromConfig(legacy, "treasury-eth"),
    );
  });

  it("takes a perp leg without contracts.marketPool, and names that key if the chain has not filled it in", () => {
    const withoutPool = (asLegs: boolean) =>
      parseConfig(
        edited((t) => {
          const book = t.books["treasury-eth"];
          delete book.hedge.contracts.marketPool;
          if (asLegs) {
            book.hedges = [book.hedge];
            delete book.hedge;
          }
        }),
        { env: ENV },
      );
    for (const [asLegs, path] of [
      [false, "books.treasury-eth.hedge.contracts.marketPool"],
      [true, "books.treasury-eth.hedges.0.contracts.marketPool"],
    ] as const) {
      const config = withoutPool(asLegs);
      expect(config.books["treasury-eth"]?.hedges ?? config.books["treasury-eth"]?.hedge).toBeDefined();
      let refused: unknown;
      try {
        bookSourcesFromConfig(config, "treasury-eth");
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(ConfigError);
      expect((refused as ConfigError).issues.map((i) => i.path)).toEqual([path]);
    }
    // Positive control: with the key the sources build.
    expect(bookSourcesFromConfig(parseConfig(devnetYaml(), { env: ENV }), "treasury-eth").perp).toBeDefined();
    // A pool that is not an address is still refused by the schema, at its key.
    const bad = edited((t) => {
      t.books["treasury-eth"].hedge.contracts.marketPool = "0x1234";
    });
    expect(issuesOf(bad).map((i) => i.path)).toContain("books.treasury-eth.hedge.contracts.marketPool");
  });

  it("takes an L2 network's sequencer uptime feed (grace period 3600 s by default) into every book's sources", () => {
    const uptime = "0xFdB631F5EE196F0ed6FAa767959853A9F217697D";
    // Positive control: a network without the feed reads no sequencer.
    expect(
      bookSourcesFromConfig(parseConfig(devnetYaml(), { env: ENV }), "treasury-eth").sequencerUptimeFeed,
    ).toBe(undefined);
    const withDefault = parseConfig(
      edited((t) => {
        t.networks.devnet.sequencerUptimeFeed = { address: uptime };
      }),
      { env: ENV },
    );
    expect(bookSourcesFromConfig(withDefault, "treasury-eth").sequencerUptimeFeed).toEqual({
      address: uptime,
      gracePeriodSec: 3600,
    });
    const shortened = parseConfig(
      edited((t) => {
        t.networks.devnet.sequencerUptimeFeed = { address: uptime, gracePeriodSec: 600 };
      }),
      { env: ENV },
    );
    expect(bookSourcesFromConfig(shortened, "treasury-eth").sequencerUptimeFeed?.gracePeriodSec).toBe(600);
    const bad = () =>
      parseConfig(
        edited((t) => {
          t.networks.devnet.sequencerUptimeFeed = { address: "0x1234", gracePeriodSec: 0 };
        }),
        { env: ENV },
      );
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(/networks\.devnet\.sequencerUptimeFeed\.address/);
    expect(bad).toThrow(/networks\.devnet\.sequencerUptimeFeed\.gracePeriodSec/);
  });

  it("names the bad key of an Aave leg: its band, a second leg on one venue, an unknown collateral, both forms", () => {
    const aaveLeg = {
      venue: "aave-v3-borrow",
      contracts: {
        pool: manifest.aave?.pool,
        protocolDataProvider: manifest.aave?.protocolDataProvider,
        oracle: manifest.aave?.oracle,
      },
      collateral: "USDC",
      healthFactor: { floor: 1.5, target: 1.8, ceiling: 2.5 },
      minLiquidationDistanceBps: 3000,
      swap: { fee: 500, maxSlippageBps: 30 },
      caps: { maxTradeUsd: 100000, maxDebtUsd: 500000, maxCollateralMoveUsd: 100000 },
    };
    // Positive control: the leg as written is accepted beside the perp leg.
    const good = parseConfig(
      edited((t) => {
        const book = t.books["treasury-eth"];
        book.hedges = [book.hedge, aaveLeg];
        delete book.hedge;
      }),
      { env: ENV },
    );
    expect(bookSourcesFromConfig(good, "treasury-eth").aave?.assets).toEqual([
      manifest.contracts.weth,
      manifest.contracts.usdc,
    ]);
    const shapes = issuesOf(
      edited((t) => {
        const book = t.books["treasury-eth"];
        book.hedges = [{ ...aaveLeg, healthFactor: { floor: 0.9, target: 1.8, ceiling: 1.6 } }];
        delete book.hedge;
      }),
    ).map((i) => i.path);
    expect(shapes).toEqual(
      expect.arrayContaining([
        "books.treasury-eth.hedges.0.healthFactor.floor",
        "books.treasury-eth.hedges.0.healthFactor.target",
      ]),
    );
    const refs = issuesOf(
      edited((t) => {
        const book = t.books["treasury-eth"];
        book.hedges = [aaveLeg, { ...aaveLeg, collateral: "WBTC" }];
      }),
    );
    expect(refs).toEqual(
      expect.arrayContaining([
        { path: "books.treasury-eth.hedges", message: expect.stringMatching(/either `hedge` or `hedges`/) },
        {
          path: "books.treasury-eth.hedges.1.venue",
          message: expect.stringMatching(/at most one leg per venue/),
        },
        {
          path: "books.treasury-eth.hedges.1.collateral",
          message: expect.stringMatching(/unknown token "WBTC"/),
        },
      ]),
    );
  });

  it("reports every bad key by its path and why, in one error", () => {
    const issues = issuesOf(
      edited((t) => {
        t.networks.devnet.chainId = -1;
        t.networks.devnet.feeds["ETH/USD"].heartbeatSec = "an hour";
        t.networks.devnet.pollIntervalSeconds = 3;
        t.treasuries["devnet-treasury"].safe = "0x1234";
        t.books["treasury-eth"].mode = "yolo";
        t.books["treasury-eth"].thresholds.rearmBps = 500;
        t.books["treasury-eth"].base = "WBTC";
        delete t.books["treasury-eth"].cooldownSec;
        t.alerts.sinks = [{ kind: "pager", name: "x" }];
      }),
    );
    const paths = issues.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        "networks.devnet.chainId",
        "networks.devnet.feeds.ETH/USD.heartbeatSec",
        "networks.devnet.pollIntervalSeconds",
        "treasuries.devnet-treasury.safe",
        "books.treasury-eth.mode",
        "books.treasury-eth.thresholds.rearmBps",
        "books.treasury-eth.cooldownSec",
        "alerts.sinks.0.kind",
      ]),
    );
    expect(issues.find((i) => i.path === "networks.devnet.pollIntervalSeconds")?.message).toBe("unknown key");
    expect(issues.find((i) => i.path === "books.treasury-eth.cooldownSec")?.message).toMatch(/required/);
    expect(issues.find((i) => i.path === "treasuries.devnet-treasury.safe")?.message).toMatch(/address/);
    // The unknown base token is a cross-reference: only checked once the shapes are valid.
    const refs = issuesOf(edited((t) => (t.books["treasury-eth"].base = "WBTC")));
    expect(refs).toEqual([
      { path: "books.treasury-eth.base", message: expect.stringMatching(/unknown token "WBTC"/) },
    ]);
  });

  it("refuses every basis-point field at or above 10,000 bps, each at its key, even in an unsafe book", () => {
    const setAll = (value: number, unsafe = false) =>
      edited((t) => {
        const b = t.books["treasury-eth"];
        b.unsafe = unsafe;
        b.thresholds.armBps = value;
        b.margin.minLiquidationDistanceBps = value;
        b.costs.perpTakerFeeBps = value;
        b.premise.perpSizeToleranceBps = value;
        b.depeg.defaultTiers.actBps = value;
        b.depeg.assets.USDC.limitBps = value;
      });
    const keys = [
      "costs.perpTakerFeeBps",
      "depeg.assets.USDC.limitBps",
      "depeg.defaultTiers.actBps",
      "margin.minLiquidationDistanceBps",
      "premise.perpSizeToleranceBps",
      "thresholds.armBps",
    ].map((key) => `books.treasury-eth.${key}`);
    for (const unsafe of [false, true]) {
      const issues = issuesOf(setAll(10_000, unsafe));
      expect(issues.map((i) => i.path).sort()).toEqual(keys);
      expect(issues.every((i) => i.message === "must be below 10,000 bps (100%)")).toBe(true);
    }
    // The old bound, 100,000 bps, was ten times the whole amount.
    expect(
      issuesOf(setAll(100_000))
        .map((i) => i.path)
        .sort(),
    ).toEqual(keys);
    // Positive control: 9,999 bps is a share below the whole, accepted.
    expect(parseConfig(setAll(9_999), { env: ENV }).books["treasury-eth"]?.thresholds.armBps).toBe(9_999);
  });

  it("refuses slippage above 500 bps and an oracle band above 1,000 bps unless the book sets unsafe: true", () => {
    const widened = (o: { unsafe?: boolean; slippageBps?: number; bandBps?: number } = {}) =>
      edited((t) => {
        // The treasury's on-chain bounds wide enough that only the book's own limits speak here.
        Object.assign(t.treasuries["devnet-treasury"].permissions.bounds, WIDE_BOUNDS);
        const b = t.books["treasury-eth"];
        if (o.unsafe !== undefined) b.unsafe = o.unsafe;
        b.costs.perpSlippageBps = o.slippageBps ?? 501;
        b.depeg.assets.USDC.maxSlippageBps = o.slippageBps ?? 600;
        b.depeg.assets.DAI.maxSlippageBps = o.slippageBps ?? 501;
        b.premise.oracleBandBps = o.bandBps ?? 1_001;
      });
    const issues = issuesOf(widened());
    expect(issues.map((i) => i.path).sort()).toEqual([
      "books.treasury-eth.costs.perpSlippageBps",
      "books.treasury-eth.depeg.assets.DAI.maxSlippageBps",
      "books.treasury-eth.depeg.assets.USDC.maxSlippageBps",
      "books.treasury-eth.premise.oracleBandBps",
    ]);
    expect(issues.find((i) => i.path.endsWith("oracleBandBps"))?.message).toBe(
      "1001 bps is above 1000: refused unless the book sets `unsafe: true`",
    );
    expect(issuesOf(widened({ unsafe: false })).length).toBe(4); // an explicit `unsafe: false` is the default
    // Positive controls: at the limits without `unsafe`, and beyond them with it.
    const atLimits = parseConfig(widened({ slippageBps: 500, bandBps: 1_000 }), { env: ENV });
    expect(atLimits.books["treasury-eth"]?.unsafe).toBe(false);
    const unsafe = parseConfig(widened({ unsafe: true }), { env: ENV }).books["treasury-eth"]!;
    expect(unsafe.unsafe).toBe(true);
    expect(unsafe.costs.perpSlippageBps).toBe(501);
    expect(unsafe.premise.oracleBandBps).toBe(1_001);
  });

  it("reports a bound at or above 10,000 bps and an unsafe slippage in one pass", () => {
    const issues = issuesOf(
      edited((t) => {
        Object.assign(t.treasuries["devnet-treasury"].permissions.bounds, WIDE_BOUNDS);
        t.books["treasury-eth"].thresholds.armBps = 20_000;
        t.books["treasury-eth"].costs.perpSlippageBps = 800;
      }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      "books.treasury-eth.costs.perpSlippageBps",
      "books.treasury-eth.thresholds.armBps",
    ]);
  });

  it("refuses on-chain bounds above 500 bps unless the treasury sets bounds.unsafe, and 10,000 bps or more always", () => {
    const issues = issuesOf(
      edited((t) => {
        const bounds = t.treasuries["devnet-treasury"].permissions.bounds;
        bounds.perpSlippageBps = 501;
        bounds.lpPriceBandBps = 10_000;
      }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      "treasuries.devnet-treasury.permissions.bounds.lpPriceBandBps",
      "treasuries.devnet-treasury.permissions.bounds.perpSlippageBps",
    ]);
    expect(issues.find((i) => i.path.endsWith("perpSlippageBps"))?.message).toBe(
      "501 bps is above 500: set bounds.unsafe: true to allow it",
    );
    const unsafe = parseConfig(
      edited((t) =>
        Object.assign(t.treasuries["devnet-treasury"].permissions.bounds, {
          perpSlippageBps: 501,
          unsafe: true,
        }),
      ),
      { env: ENV },
    );
    expect(unsafe.treasuries["devnet-treasury"]?.permissions.bounds.perpSlippageBps).toBe(501); // positive control
  });

  it("refuses a book whose own slippage plus oracle band would not fit the treasury's on-chain bound", () => {
    const issues = issuesOf(
      edited((t) => {
        t.books["treasury-eth"].costs.perpSlippageBps = 101; // + 100 bps band > 200 on chain
        t.books["treasury-eth"].depeg.assets.USDC.maxSlippageBps = 51; // + 100 bps band > 150 on chain
      }),
    );
    expect(issues).toEqual([
      {
        path: "books.treasury-eth.costs.perpSlippageBps",
        message:
          "perpSlippageBps 101 + oracleBandBps 100 exceeds the treasury's on-chain bounds.perpSlippageBps 200",
      },
      {
        path: "books.treasury-eth.depeg.assets.USDC.maxSlippageBps",
        message:
          "maxSlippageBps 51 + oracleBandBps 100 exceeds the treasury's on-chain bounds.swapSlippageBps 150",
      },
    ]);
  });

  it("names a perp market the bounds cannot price and collateral without a ceiling", () => {
    const issues = issuesOf(
      edited((t) => {
        t.treasuries["devnet-treasury"].permissions.bounds.perpBaseFeeds = [];
        t.treasuries["devnet-treasury"].permissions.caps.collateralMaxTokens = {};
      }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      "treasuries.devnet-treasury.permissions.caps.collateralMaxTokens",
      "treasuries.devnet-treasury.permissions.perp.baseTokens.0",
    ]);
  });

  it("reports references to treasuries, feeds and tokens that do not exist, and missing caps", () => {
    const issues = issuesOf(
      edited((t) => {
        t.books["treasury-eth"].baseFeed = "BTC/USD";
        t.books["treasury-eth"].depeg.assets.FRAX = t.books["treasury-eth"].depeg.assets.DAI;
        t.treasuries["devnet-treasury"].permissions.uniswap.swapPairs.push({
          tokenIn: "USDT",
          tokenOut: "USDC",
          fee: 100,
        });
      }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      "books.treasury-eth.baseFeed",
      "books.treasury-eth.depeg.assets.FRAX",
      "treasuries.devnet-treasury.permissions.caps.swapAmountInTokensPerDay",
    ]);
  });

  it("names an Aave asset that is not a token or has no daily cap, and a deleverager without an Aave scope", () => {
    const issues = issuesOf(
      edited((t) => {
        const aave = t.treasuries["devnet-treasury"].permissions.aave;
        aave.borrowAssets.push("WBTC");
        aave.collateralAssets.push("DAI");
      }),
    );
    expect(issues.map((i) => [i.path, i.message])).toEqual([
      ["treasuries.devnet-treasury.permissions.aave.collateralTokensPerDay", "no daily cap for DAI"],
      [
        "treasuries.devnet-treasury.permissions.aave.borrowAssets.1",
        'unknown token "WBTC": add it to the network\'s tokens',
      ],
      ["treasuries.devnet-treasury.permissions.aave.borrowTokensPerDay", "no daily cap for WBTC"],
    ]);
    const withoutAave = issuesOf(
      edited((t) => {
        delete t.treasuries["devnet-treasury"].permissions.aave;
      }),
    );
    expect(withoutAave.map((i) => i.path)).toEqual(["treasuries.devnet-treasury.permissions.aave"]);
  });

  it("serves the deleverager on metrics by default, on deleverager.metrics when set, refusing the keeper's own port there", () => {
    const defaults = parseConfig(devnetYaml(), { env: ENV });
    expect(defaults.deleverager).toEqual({ headStaleSec: 120 });
    // Positive control: a port of its own beside the keeper's.
    const own = parseConfig(
      edited((t) => {
        t.deleverager = { metrics: { port: t.metrics.port + 1 }, headStaleSec: 30 };
      }),
      { env: ENV },
    );
    expect(own.deleverager.metrics?.port).toBe(own.metrics.port + 1);
    const collide = issuesOf(
      edited((t) => {
        t.deleverager = { metrics: { port: t.metrics.port } };
      }),
    );
    expect(collide.map((i) => i.path)).toEqual(["deleverager.metrics.port"]);
    const bad = issuesOf(
      edited((t) => {
        t.deleverager = { headStaleSec: 0, metrics: { port: 70_000 } };
      }),
    );
    expect(bad.map((i) => i.path).sort()).toEqual(["deleverager.headStaleSec", "deleverager.metrics.port"]);
  });

  it("refuses a v4 withdrawal permission the devnet book's own withdrawals could not pass, naming the key", () => {
    // Positive control: the devnet's own permission parses.
    expect(
      parseConfig(devnetYaml(), { env: ENV }).treasuries["devnet-treasury"]?.permissions.uniswapV4Withdrawals,
    ).toMatchObject({ maxDeadlineSec: 3_600 });
    const issues = issuesOf(
      edited((t) => {
        const w = t.treasuries["devnet-treasury"].permissions.uniswapV4Withdrawals;
        w.positionManager = "0x00000000000000000000000000000000000000dd";
        w.maxDeadlineSec = 120; // below the book's premise.deadlineSec (300)
      }),
    );
    expect(issues).toEqual([
      {
        path: "books.treasury-eth.positions.uniswapV4.positionManager",
        message: `${manifest.uniswapV4!.positionManager} is not the PositionManager the treasury's permissions.uniswapV4Withdrawals scope (0x00000000000000000000000000000000000000dd)`,
      },
      {
        path: "books.treasury-eth.premise.deadlineSec",
        message: "deadlineSec 300 exceeds the treasury's permissions.uniswapV4Withdrawals.maxDeadlineSec 120",
      },
    ]);
    expect(
      issuesOf(
        edited((t) => {
          const w = t.treasuries["devnet-treasury"].permissions.uniswapV4Withdrawals;
          w.maxDeadlineSec = 0;
          w.withdrawalBounds = "not an address";
          delete w.positionManager;
        }),
      ).map((i) => i.path),
    ).toEqual([
      "treasuries.devnet-treasury.permissions.uniswapV4Withdrawals.positionManager",
      "treasuries.devnet-treasury.permissions.uniswapV4Withdrawals.withdrawalBounds",
      "treasuries.devnet-treasury.permissions.uniswapV4Withdrawals.maxDeadlineSec",
    ]);
  });

  it("substitutes ${ENV_VAR} references, with defaults, and names a missing variable at its key", () => {
    const config = parseConfig(devnetYaml(), { env: { ...ENV, HK_DEVNET_RPC_URL: "http://10.0.0.2:8545" } });
    expect(config.networks.devnet?.rpcUrls).toEqual(["http://10.0.0.2:8545"]);
    expect(config.treasuries["devnet-treasury"]?.hedgeGuard).toBe(HEDGE_GUARD);
    expect(
      issuesOf(devnetYaml(), {
        HK_HEDGE_GUARD: HEDGE_GUARD,
        HK_HEDGE_BOUNDS: HEDGE_BOUNDS,
        HK_V4_WITHDRAWAL_BOUNDS: V4_WITHDRAWAL_BOUNDS,
      }),
    ).toEqual([
      {
        path: "treasuries.devnet-treasury.keeper.privateKey",
        message: "environment variable HK_KEEPER_PRIVATE_KEY is not set",
      },
    ]);
  });

  it("lets a process that never signs as the keeper (the deleverager) load without the keeper key's variable", () => {
    const env = {
      HK_HEDGE_GUARD: HEDGE_GUARD,
      HK_HEDGE_BOUNDS: HEDGE_BOUNDS,
      HK_V4_WITHDRAWAL_BOUNDS: V4_WITHDRAWAL_BOUNDS,
    };
    const config = parseConfig(devnetYaml(), { env, secretsUsed: DELEVERAGER_SECRETS });
    expect(config.treasuries["devnet-treasury"]?.keeper.privateKey).toBe("${HK_KEEPER_PRIVATE_KEY}");
    // Only the named secret: another missing variable is still named at its key.
    expect(() =>
      parseConfig(devnetYaml(), {
        env: { HK_HEDGE_BOUNDS: HEDGE_BOUNDS, HK_V4_WITHDRAWAL_BOUNDS: V4_WITHDRAWAL_BOUNDS },
        secretsUsed: DELEVERAGER_SECRETS,
      }),
    ).toThrow(/treasuries\.devnet-treasury\.hedgeGuard: environment variable HK_HEDGE_GUARD is not set/);
  });

  it("lets a command that reads only some secrets run without the others set, and still requires those it reads", () => {
    const withHistory = edited((t) => {
      t.history = { databaseUrl: "${DATABASE_URL}" };
    });
    const noKeeperKey = {
      HK_HEDGE_GUARD: HEDGE_GUARD,
      HK_HEDGE_BOUNDS: HEDGE_BOUNDS,
      HK_V4_WITHDRAWAL_BOUNDS: V4_WITHDRAWAL_BOUNDS,
    };
    const databaseUrl = "postgres://hk@db.internal/hk";
    // Positive control: the keeper's own configuration still requires its key.
    expect(() => parseConfig(withHistory, { env: { ...noKeeperKey, DATABASE_URL: databaseUrl } })).toThrow(
      /treasuries\.devnet-treasury\.keeper\.privateKey: environment variable HK_KEEPER_PRIVATE_KEY is not set/,
    );
    const report = parseConfig(withHistory, {
      env: { ...noKeeperKey, DATABASE_URL: databaseUrl },
      secretsUsed: ["history.databaseUrl"],
    });
    expect(report.history.databaseUrl).toBe(databaseUrl);
    // The unread key keeps its reference, never a value that could pass for a key.
    expect(report.treasuries["devnet-treasury"]?.keeper.privateKey).toBe("${HK_KEEPER_PRIVATE_KEY}");
    // The secret it does read is still required, by its key.
    expect(() =>
      parseConfig(withHistory, { env: noKeeperKey, secretsUsed: ["history.databaseUrl"] }),
    ).toThrow(/history\.databaseUrl: environment variable DATABASE_URL is not set/);
    // A literal secret is refused whatever the command reads.
    expect(() =>
      parseConfig(
        edited((t) => {
          t.api.token = "let-me-in";
        }),
        { env: noKeeperKey, secretsUsed: [] },
      ),
    ).toThrow(/api\.token: a secret must be an \$\{ENV_VAR\} reference/);
  });

  it("refuses a literal private key, in its own key or anywhere else, without echoing it", () => {
    const key = `0x${"ab".repeat(32)}`;
    const issues = issuesOf(
      edited((t) => {
        t.treasuries["devnet-treasury"].keeper.privateKey = key;
        t.books["treasury-eth"].note = key.slice(2);
      }),
    );
    expect(issues).toContainEqual({
      path: "treasuries.devnet-treasury.keeper.privateKey",
      message: "a secret must be an ${ENV_VAR} reference, not a literal value",
    });
    expect(issues.find((i) => i.path === "books.treasury-eth.note")?.message).toMatch(
      /looks like a private key/,
    );
    const error = (() => {
      try {
        parseConfig(
          edited((t) => (t.treasuries["devnet-treasury"].keeper.privateKey = key)),
          { env: ENV },
        );
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain("abab");
  });

  it("refuses a literal password in a Redis or RPC URL, and accepts one from a reference", () => {
    const issues = issuesOf(
      edited((t) => {
        t.redis.url = "redis://:hunter2@10.0.0.5:6379";
        t.networks.devnet.rpcUrls = ["https://user:pw@rpc.example"];
      }),
    );
    expect(issues.map((i) => i.path)).toEqual(["networks.devnet.rpcUrls.0", "redis.url"]);
    const config = parseConfig(
      edited((t) => (t.redis.url = "redis://:${REDIS_PASSWORD}@10.0.0.5:6379")),
      { env: { ...ENV, REDIS_PASSWORD: "hunter2" } },
    );
    expect(config.redis.url).toBe("redis://:hunter2@10.0.0.5:6379");
  });

  it("takes Redis through sentinels or a cluster, each validated at its own key", () => {
    const sentinels = parseConfig(
      edited((t) => {
        delete t.redis.url;
        t.redis.sentinels = {
          masterName: "hedgekeeper",
          nodes: ["10.0.0.1:26379", "10.0.0.2:26379", "sentinel-3.internal:26379"],
          password: "${REDIS_PASSWORD}",
        };
      }),
      { env: { ...ENV, REDIS_PASSWORD: "hunter2" } },
    );
    expect(sentinels.redis.sentinels).toEqual({
      masterName: "hedgekeeper",
      nodes: ["10.0.0.1:26379", "10.0.0.2:26379", "sentinel-3.internal:26379"],
      password: "hunter2",
    });
    const cluster = parseConfig(
      edited((t) => {
        delete t.redis.url;
        t.redis.cluster = { nodes: ["10.0.0.1:7000"] };
      }),
      { env: ENV },
    );
    expect(cluster.redis.cluster?.nodes).toEqual(["10.0.0.1:7000"]);

    const issues = issuesOf(
      edited((t) => {
        delete t.redis.url;
        t.redis.sentinels = { nodes: ["10.0.0.1", "10.0.0.2:99999"], password: "hunter2" };
        t.redis.cluster = { nodes: [] };
        t.redis.keyPrefix = "{hk}";
      }),
    );
    expect(issues).toEqual(
      expect.arrayContaining([
        {
          path: "redis.sentinels.password",
          message: "a secret must be an ${ENV_VAR} reference, not a literal value",
        },
        { path: "redis.sentinels.masterName", message: expect.stringMatching(/required/) },
        { path: "redis.sentinels.nodes.0", message: "expected host:port" },
        { path: "redis.sentinels.nodes.1", message: "port above 65535" },
        { path: "redis.cluster.nodes", message: expect.stringMatching(/1/) },
        { path: "redis.keyPrefix", message: expect.stringMatching(/must not contain \{ or \}/) },
      ]),
    );
  });

  it("refuses a Redis section that names no server, or more than one way to reach it", () => {
    expect(issuesOf(edited((t) => delete t.redis.url))).toEqual([
      { path: "redis.url", message: "set one of url, sentinels, cluster" },
    ]);
    const both = issuesOf(
      edited((t) => {
        t.redis.cluster = { nodes: ["10.0.0.1:7000"] };
      }),
    );
    expect(both).toEqual([
      { path: "redis.cluster", message: "url is set too: use exactly one of url, sentinels, cluster" },
    ]);
  });

  it("requires alert sink URLs and HMAC secrets as references", () => {
    const issues = issuesOf(
      edited((t) => {
        t.alerts.sinks = [
          { kind: "webhook", name: "ops", url: "https://hooks.example/abc", hmacSecret: "hunter2" },
          { kind: "slack", name: "chan", url: "${SLACK_URL}" },
        ];
      }),
      { ...ENV, SLACK_URL: "https://hooks.slack.com/services/T/B/X" },
    );
    expect(issues.map((i) => i.path)).toEqual(["alerts.sinks.0.url", "alerts.sinks.0.hmacSecret"]);
  });

  it("requires the Telegram token and chat id and the PagerDuty routing key as references", () => {
    const issues = issuesOf(
      edited((t) => {
        t.alerts.sinks = [
          { kind: "telegram", name: "tg", botToken: "123456:ABC-literal", chatId: "-100123" },
          { kind: "pagerduty", name: "pd", routingKey: "R0UT1NGKEY0000000000000000000000" },
        ];
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      "alerts.sinks.0.botToken",
      "alerts.sinks.0.chatId",
      "alerts.sinks.1.routingKey",
    ]);
    const config = parseConfig(
      edited((t) => {
        t.alerts.sinks = [
          { kind: "telegram", name: "tg", botToken: "${TG_TOKEN}", chatId: "${TG_CHAT}" },
          { kind: "pagerduty", name: "pd", routingKey: "${PD_KEY}", minSeverity: "critical" },
        ];
      }),
      { env: { ...ENV, TG_TOKEN: "123456:ABC", TG_CHAT: "-100123", PD_KEY: "pd-routing-key" } },
    );
    expect(config.alerts.sinks).toEqual([
      {
        kind: "telegram",
        name: "tg",
        botToken: "123456:ABC",
        chatId: "-100123",
        apiBaseUrl: "https://api.telegram.org",
        minSeverity: "warning",
        maxPerMinute: 30,
      },
      {
        kind: "pagerduty",
        name: "pd",
        routingKey: "pd-routing-key",
        apiBaseUrl: "https://events.pagerduty.com",
        minSeverity: "critical",
        maxPerMinute: 30,
      },
    ]);
  });

  it("defaults the hedge alert thresholds and refuses ones out of range, by key", () => {
    const config = parseConfig(devnetYaml(), { env: ENV });
    expect(config.alerts).toMatchObject({
      effectiveness: { floorRatio: 0.5, minSamples: 60 },
      correlation: { floorAbsRho: 0.5, minSamples: 60 },
      basis: { markIndexMaxBps: 100, indexPoolMaxBps: 100 },
      sigmaFallback: { maxDurationSec: 3_600 },
    });
    const issues = issuesOf(
      edited((t) => {
        t.alerts.effectiveness = { floorRatio: 1.5 };
        t.alerts.correlation = { floorAbsRho: -0.1, minSamples: 2 };
        t.alerts.basis = { markIndexMaxBps: 20_000 };
        t.alerts.sigmaFallback = { maxDurationSec: 0 };
      }),
    );
    expect(issues.map((i) => i.path)).toEqual([
      "alerts.effectiveness.floorRatio",
      "alerts.correlation.floorAbsRho",
      "alerts.correlation.minSamples",
      "alerts.basis.markIndexMaxBps",
      "alerts.sigmaFallback.maxDurationSec",
    ]);
  });
});

describe("adapters from the configuration", () => {
  const config = parseConfig(devnetYaml(), { env: ENV });
  const deployed = {
    hedgeGuard: HEDGE_GUARD as `0x${string}`,
    hedgeBounds: HEDGE_BOUNDS as `0x${string}`,
    multiSendUnwrapper: MULTI_SEND_UNWRAPPER,
    v4WithdrawalBounds: V4_WITHDRAWAL_BOUNDS as `0x${string}`,
  };

  it("give the engine the devnet book's parameters", () => {
    // The devnet treasury's ETH book: hedge 60% of the LP's ETH delta with the vETH short, act beyond 100 bps of
    // drift, USDC, USDT and DAI as stablecoins priced by their feeds and the devnet's stable pools; gas figures as
    // bench/gas.bench.ts measured them on this path.
    const c = manifest.contracts;
    const p = manifest.pools;
    const f = manifest.feeds;
    const stable = (
      token: string,
      symbol: string,
      feed: string,
      stablePools: string[],
      basePool: string | null,
    ) => ({
      token,
      symbol,
      feed,
      limitBps: 50,
      minSourcesToAct: 2,
      stablePools,
      basePool,
      maxSlippageBps: 50,
    });
    expect(bookParamsFromConfig(config, "treasury-eth")).toEqual({
      targetHedgeRatio: 0.6,
      armBps: 100,
      rearmBps: 25,
      cooldownSec: 600,
      minTradeUsd: 1_000,
      caps: {
        maxTradeUsd: 5_000_000,
        maxHedgeNotionalUsd: 10_000_000,
        maxSwapUsd: 250_000,
        maxCollateralMoveUsd: 500_000,
      },
      margin: { floorRatio: 0.5, ceilingRatio: 3, targetRatio: 1.2, minLiquidationDistanceBps: 2_000 },
      costMargin: 1.5,
      costs: {
        gasPriceGwei: 20,
        gasBase: 160_000,
        gasPerPerpTrade: 730_000,
        gasPerCollateralMove: 150_000,
        gasPerSwap: 230_000,
        perpTakerFeeBps: 10,
        perpSlippageBps: 100,
      },
      risk: { fallbackSigmaAnnual: 0.6, horizonSec: 86_400, confidenceZ: 1.645 },
      premise: { oracleBandBps: 100, deadlineSec: 300, perpSizeToleranceBps: 50 },
      depeg: {
        defaultTiers: { watchBps: 25, warnBps: 50, actBps: 100 },
        stablecoins: [
          stable(
            c.usdc,
            "USDC",
            f.usdcUsd.address,
            [p.usdcUsdt100.address, p.daiUsdc100.address],
            p.usdcWeth500.address,
          ),
          stable(c.usdt, "USDT", f.usdtUsd.address, [p.usdcUsdt100.address], null),
          stable(c.dai, "DAI", f.daiUsd.address, [p.daiUsdc100.address], null),
        ],
      },
      maxSnapshotAgeSec: 120,
    });
  });

  it("give the engine the volatility and liquidation settings a book sets, and leave the rest to its defaults", () => {
    const tuned = parseConfig(
      edited((tree) => {
        const book = tree.books["treasury-eth"];
        book.risk = { ...book.risk, sigmaFloorAnnual: 0.2, ewmaLambdaDaily: 0.97, minSigmaMoves: 30 };
        book.stress = { maintenanceMarginRatio: 0.08 };
      }),
      { env: ENV },
    );
    const params = bookParamsFromConfig(tuned, "treasury-eth");
    expect(params.risk).toEqual({
      ...bookParamsFromConfig(parseConfig(devnetYaml(), { env: ENV }), "treasury-eth").risk,
      sigmaFloorAnnual: 0.2,
      ewmaLambdaDaily: 0.97,
      minSigmaMoves: 30,
    });
    expect(params.stress).toEqual({ maintenanceMarginRatio: 0.08 });
    expect(sigmaParamsOf(params.risk)).toMatchObject({ minSigmaSpanSec: SIGMA_DEFAULTS.minSigmaSpanSec });
    expect(
      issuesOf(
        edited((tree) => {
          const book = tree.books["treasury-eth"];
          book.risk = { ...book.risk, ewmaLambdaDaily: 1.5, minSigmaMoves: 1 };
          book.stress = { liquidationPenaltyRatio: 1 };
        }),
      ).map((i) => i.path),
    ).toEqual([
      "books.treasury-eth.risk.ewmaLambdaDaily",
      "books.treasury-eth.risk.minSigmaMoves",
      "books.treasury-eth.stress.liquidationPenaltyRatio",
    ]);
  });

  it("give the indexer the devnet book's sources", () => {
    const c = manifest.contracts;
    const f = manifest.feeds;
    const weth = { address: c.weth, symbol: "WETH", decimals: 18 };
    const usdc = { address: c.usdc, symbol: "USDC", decimals: 6 };
    const usdt = { address: c.usdt, symbol: "USDT", decimals: 6 };
    const dai = { address: c.dai, symbol: "DAI", decimals: 18 };
    const veth = { address: c.perp.baseToken, symbol: "vETH", decimals: 18 };
    const feed = (entry: (typeof f)["ethUsd"], asset: { address: string }) => ({
      address: entry.address,
      asset: asset.address,
      heartbeatSec: entry.heartbeatSec,
      decimals: entry.decimals,
    });
    // The devnet book watches the Safe's v4 positions beside its v3 ones; `uniswapV4Positions: false` leaves them out.
    const v3Only = parseConfig(renderDevnetConfig(manifest, { uniswapV4Positions: false }), { env: ENV });
    expect(bookSourcesFromConfig(v3Only, "treasury-eth").uniswapV4).toBeUndefined();
    const { perp, ...sources } = bookSourcesFromConfig(config, "treasury-eth");
    expect(sources).toEqual({
      bookId: "treasury-eth",
      chainId: manifest.chainId,
      safe: c.treasurySafe,
      base: weth,
      baseFeed: feed(f.ethUsd, weth),
      feeds: [feed(f.usdcUsd, usdc), feed(f.daiUsd, dai), feed(f.usdtUsd, usdt)],
      // The network's defaults: the provider's getLogs range, and how far back a restart's scans resume.
      logScan: { maxScanBlocks: 2_000n, maxBlocksPerGetLogs: 2_000n },
      tokens: [weth, usdc, usdt, dai, veth],
      uniswapV3: {
        factory: c.uniswapV3Factory,
        positionManager: c.positionManager,
        extraPools: [
          manifest.pools.usdcWeth500.address,
          manifest.pools.daiUsdc100.address,
          manifest.pools.usdcUsdt100.address,
        ],
        twapWindowSec: 300,
      },
      uniswapV4: {
        poolManager: manifest.uniswapV4!.poolManager,
        positionManager: manifest.uniswapV4!.positionManager,
        stateView: manifest.uniswapV4!.stateView,
        fromBlock: BigInt(manifest.uniswapV4!.positionManagerBlock),
      },
      spotTokens: [usdc, dai, usdt, weth],
    });
    expect(perp?.market).toBe(c.perp.baseToken);
    expect(perp?.settlementToken).toEqual(usdc);
    expect(perp?.venue.id).toBe("perp-v2");
  });

  it("give the permission set the devnet treasury's scope, caps in token units", () => {
    expect(treasuryScopeFromConfig(config, "devnet-treasury")).toEqual(
      devnetTreasuryScope(manifest, deployed),
    );
  });

  it("give the permission set the v4 withdrawal scope only where permissions.uniswapV4Withdrawals is set", () => {
    expect(treasuryScopeFromConfig(config, "devnet-treasury").uniswapV4).toEqual({
      positionManager: manifest.uniswapV4!.positionManager,
      withdrawalBounds: V4_WITHDRAWAL_BOUNDS,
      maxDeadlineSec: 3_600,
    });
    const without = parseConfig(
      edited((t) => {
        delete t.treasuries["devnet-treasury"].permissions.uniswapV4Withdrawals;
      }),
      { env: ENV },
    );
    expect(treasuryScopeFromConfig(without, "devnet-treasury").uniswapV4).toBeUndefined();
  });

  it("give the chain client its URLs, timeout and retries", () => {
    expect(chainClientOptionsFromConfig(config, "devnet")).toMatchObject({
      chainId: 31337,
      rpcUrls: ["http://127.0.0.1:8545"],
      timeoutMs: 10_000,
      pollingIntervalMs: 250,
      retry: { attempts: 4 },
    });
  });

  it("defaults the history to embedded PGlite, takes PostgreSQL and the API token only as references", () => {
    const config = parseConfig(devnetYaml(), { env: ENV });
    expect(config.history.databaseUrl).toBeUndefined();
    expect(config.history.dataDir).toBe(".hedgekeeper/history");
    const issues = issuesOf(
      edited((t) => {
        t.history = { databaseUrl: "postgres://hk@db.internal/hk", downsampleAfterDays: 30, retainDays: 7 };
        t.api.token = "let-me-in";
      }),
    );
    expect(issues.map((i) => i.path).sort()).toEqual([
      "api.token",
      "history.databaseUrl",
      "history.downsampleAfterDays",
    ]);
    const referenced = parseConfig(
      edited((t) => {
        t.history = { databaseUrl: "${DATABASE_URL}" };
        t.api.token = "${HK_API_TOKEN}";
      }),
      { env: { ...ENV, DATABASE_URL: "postgres://hk@db.internal/hk", HK_API_TOKEN: "s3cret" } },
    );
    expect(referenced.history.databaseUrl).toBe("postgres://hk@db.internal/hk");
    expect(referenced.api.token).toBe("s3cret");
  });
});
