import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { renderDevnetConfig } from "../src/cli/config-templates.ts";
import { ConfigError } from "../src/config/config-error.ts";
import { parseConfig } from "../src/config/load-config.ts";
import type { configSchema } from "../src/config/schema.ts";
import { devnetPrivateKey } from "../src/devnet/accounts.ts";
import { devnetConfig } from "../src/devnet/devnet-config.ts";
import { parseManifest } from "../src/devnet/manifest.ts";
import { keeperConfigOf, keeperScopeOf, networksOfBooks } from "./config.ts";

const manifest = parseManifest(
  JSON.parse(readFileSync(new URL("../src/config/devnet-manifest.fixture.json", import.meta.url), "utf8")),
  "fixture",
);

/** The configuration file's tree, as written (before validation). */
type ConfigTree = z.input<typeof configSchema>;

/** The devnet configuration with `edit` applied to its tree, parsed as the CLI parses it. */
function edited(edit: (tree: ConfigTree) => void, env: Record<string, string> = {}) {
  const tree = parseDocument(
    renderDevnetConfig(manifest, {
      hedgeGuard: `0x${"aa".repeat(20)}`,
      hedgeBounds: `0x${"bb".repeat(20)}`,
      v4WithdrawalBounds: `0x${"cc".repeat(20)}`,
    }),
  ).toJS() as ConfigTree;
  edit(tree);
  return parseConfig(JSON.stringify(tree), { env: { HK_KEEPER_PRIVATE_KEY: devnetPrivateKey(1), ...env } });
}

describe("the keeper's configuration", () => {
  it("is derived from the configuration file's keys: the network's, the lanes, the alerts' signer floor, the keeper's jobs", () => {
    const config = edited((t) => {
      t.networks.devnet!.confirmations = 2;
      t.networks.devnet!.privateRelayUrl = "https://relay.example";
      t.alerts.signerBalanceMinEth = 0.25;
      t.keeper = { txConfirmations: 3, attempts: 4 };
    });
    const scope = keeperScopeOf(config);
    expect(scope).toEqual({
      network: "devnet",
      bookIds: ["treasury-eth"],
      signerPrivateKey: devnetPrivateKey(1),
    });
    const keeper = keeperConfigOf(config, scope);
    expect(keeper).toMatchObject({
      chainId: 31337,
      relayUrl: "https://relay.example",
      redisPrefix: "{hk}",
      books: [{ bookId: "treasury-eth", mode: "execute" }],
      scanEveryMs: 250,
      // A 250 ms poll: one scan job a second, polling four times.
      scanJobEveryMs: 1_000,
      evaluateConfirmations: 2,
      fees: { maxFeePerGasGwei: 100, maxPriorityFeePerGasGwei: 2 },
      lanes: config.lanes,
      // The file's alert threshold is the keeper's floor: no second default.
      signerBalanceFloorEth: 0.25,
      txConfirmations: 3,
      attempts: 4,
      // Keys the file leaves out take the schema's defaults.
      stuckAfterBlocks: 3,
      gasHeadroomBps: 2_000,
    });
  });

  it("refuses a keeper key that signs as another address than the treasury's keeper, naming the key", () => {
    const config = devnetConfig(manifest, { env: { HK_KEEPER_PRIVATE_KEY: devnetPrivateKey(2) } });
    let error: unknown;
    try {
      keeperScopeOf(config, undefined, "hedgekeeper.yaml");
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues).toEqual([
      {
        path: "treasuries.devnet-treasury.keeper.privateKey",
        message: "signs as another address than keeper.address",
      },
    ]);
  });

  it("names every bad key of the keeper's jobs in one error", () => {
    let error: unknown;
    try {
      edited((t) => {
        t.keeper = { txConfirmations: 0, lockDurationMs: -1, retries: 2 } as ConfigTree["keeper"];
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.path).sort()).toEqual([
      "keeper.lockDurationMs",
      "keeper.retries",
      "keeper.txConfirmations",
    ]);
  });

  it("gives each network's keeper Redis keys of its own when books span two networks, and needs --network in one process", () => {
    const config = edited((t) => {
      t.networks.arbitrum = { ...t.networks.devnet!, chainId: 42161 };
      t.treasuries["l2-treasury"] = { ...t.treasuries["devnet-treasury"]!, network: "arbitrum" };
      t.books["l2-eth"] = { ...t.books["treasury-eth"]!, treasury: "l2-treasury" };
    });
    expect(networksOfBooks(config)).toEqual(["devnet", "arbitrum"]);
    expect(() => keeperScopeOf(config)).toThrow(
      /books span networks devnet, arbitrum: pick one with --network/,
    );
    const l1 = keeperScopeOf(config, "devnet");
    const l2 = keeperScopeOf(config, "arbitrum");
    expect([l1.bookIds, l2.bookIds]).toEqual([["treasury-eth"], ["l2-eth"]]);
    // Queues are named by stage, not chain: a shared prefix would let one network's worker take the other's jobs.
    expect(keeperConfigOf(config, l1).redisPrefix).toBe("{hk:devnet}");
    expect(keeperConfigOf(config, l2)).toMatchObject({ redisPrefix: "{hk:arbitrum}", chainId: 42161 });
  });
});
