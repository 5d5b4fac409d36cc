// The devnet treasury's configuration as the operator has it: the file `hedgekeeper init --network devnet` writes
// (src/cli/config-templates.ts), validated by the one schema. The devnet's book, its policy and the keeper's
// scope come from it through the same adapters `hedgekeeper run` uses (src/config/adapters.ts): the demo, the
// tests and the benchmarks watch the book an operator would configure, not a hand-written copy of it.
import type { Hex } from "viem";
import { parseDocument, type YAMLMap } from "yaml";
import { renderDevnetConfig } from "../cli/config-templates.ts";
import { parseConfig } from "../config/load-config.ts";
import type { HedgekeeperConfig } from "../config/schema.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetPrivateKey } from "./accounts.ts";
import type { GeneratedTreasury } from "./generated-books.ts";
import type { DevnetManifest } from "./manifest.ts";

/** The devnet's one book. */
export const DEVNET_BOOK_ID = "treasury-eth";
/** The devnet's first treasury. */
export const DEVNET_TREASURY_ID = "devnet-treasury";
/** The Aave treasury and its book, when the devnet was started with one (aave-treasury.ts). */
export { DEVNET_AAVE_BOOK_ID, DEVNET_AAVE_TREASURY_ID } from "../cli/devnet-aave-treasury-template.ts";

/** Stands in for the treasury's contracts before the keeper is hired: enough to read the book, not to send. */
const NOT_DEPLOYED = "0x0000000000000000000000000000000000000000";

export interface DevnetConfigOptions {
  rpcUrl?: string;
  redisUrl?: string;
  /**
   * HedgeGuard, HedgeBounds and V4WithdrawalBounds as setUpDevnetKeeper deployed them (the scope's `hedgeGuard`,
   * `bounds.hedgeBounds`, `uniswapV4.withdrawalBounds`: `deployedOf(setup.scope)`).
   */
  deployed?: { hedgeGuard: string; hedgeBounds: string; v4WithdrawalBounds?: string };
  /** The same for the Aave treasury, when the devnet has one (setUpDevnetKeeper with treasury "aave"). */
  aaveTreasuryDeployed?: { hedgeGuard: string; hedgeBounds: string };
  /** The book watches the Safe's Uniswap v4 positions (renderDevnetConfig's uniswapV4Positions; default: yes). */
  uniswapV4Positions?: boolean;
  /** An L2 devnet's sequencer grace period (renderDevnetConfig's; default 3600 s). */
  sequencerGracePeriodSec?: number;
  /** Values for the file's `${...}` references (default: the devnet keeper's own, public, key). */
  env?: Readonly<Record<string, string>>;
}

/** The devnet's configuration, parsed and validated exactly as `hedgekeeper run` loads the file. */
export function devnetConfig(manifest: DevnetManifest, options: DevnetConfigOptions = {}): HedgekeeperConfig {
  return parseDevnetConfig(renderConfigText(manifest, options), options);
}

/**
 * The devnet's configuration with the generated treasuries (generated-books.ts) and their books added: each
 * treasury entry is the devnet treasury's with its own Safe, each book the devnet book's in shadow mode, with a
 * target hedge ratio of its own (books of one treasury differ in policy, not in what they read). Shadow only:
 * the generated Safes have no Roles modifier of their own (their entries name the devnet treasury's modules, which
 * `hedgekeeper check` would report), so nothing is ever sent for them. Validated as the file would be.
 */
export function devnetConfigWithGeneratedBooks(
  manifest: DevnetManifest,
  generated: readonly GeneratedTreasury[],
  options: DevnetConfigOptions = {},
): HedgekeeperConfig {
  return parseDevnetConfig(devnetConfigTextWithGeneratedBooks(manifest, generated, options), options);
}

/**
 * The same configuration as the file an operator would write (YAML, the keeper's key a `${HK_KEEPER_PRIVATE_KEY}`
 * reference): what separate `hedgekeeper run` processes are started on.
 */
export function devnetConfigTextWithGeneratedBooks(
  manifest: DevnetManifest,
  generated: readonly GeneratedTreasury[],
  options: DevnetConfigOptions = {},
): string {
  const document = parseDocument(renderConfigText(manifest, options));
  const treasury = document.getIn(["treasuries", DEVNET_TREASURY_ID]) as YAMLMap;
  const book = document.getIn(["books", DEVNET_BOOK_ID]) as YAMLMap;
  for (const { treasuryId, safe, bookIds } of generated) {
    const entry = treasury.clone() as YAMLMap;
    entry.set("safe", safe);
    document.setIn(["treasuries", treasuryId], entry);
    for (const [index, bookId] of bookIds.entries()) {
      const copy = book.clone() as YAMLMap;
      copy.set("treasury", treasuryId);
      copy.set("mode", "shadow");
      copy.set("targetHedgeRatio", TARGET_RATIOS[index % TARGET_RATIOS.length]);
      document.setIn(["books", bookId], copy);
    }
  }
  return document.toString();
}

/** Generated books' target hedge ratios, in turn. */
const TARGET_RATIOS = [0.6, 0.4, 0.8, 0.5, 0.7, 1] as const;

function renderConfigText(manifest: DevnetManifest, options: DevnetConfigOptions): string {
  return renderDevnetConfig(manifest, {
    ...(options.rpcUrl !== undefined && { rpcUrl: options.rpcUrl }),
    ...(options.redisUrl !== undefined && { redisUrl: options.redisUrl }),
    ...(options.uniswapV4Positions !== undefined && { uniswapV4Positions: options.uniswapV4Positions }),
    ...(options.sequencerGracePeriodSec !== undefined && {
      sequencerGracePeriodSec: options.sequencerGracePeriodSec,
    }),
    hedgeGuard: options.deployed?.hedgeGuard ?? NOT_DEPLOYED,
    hedgeBounds: options.deployed?.hedgeBounds ?? NOT_DEPLOYED,
    v4WithdrawalBounds: options.deployed?.v4WithdrawalBounds ?? NOT_DEPLOYED,
    aaveTreasury: {
      hedgeGuard: options.aaveTreasuryDeployed?.hedgeGuard ?? NOT_DEPLOYED,
      hedgeBounds: options.aaveTreasuryDeployed?.hedgeBounds ?? NOT_DEPLOYED,
    },
  });
}

function parseDevnetConfig(text: string, options: DevnetConfigOptions): HedgekeeperConfig {
  const keeperKey: Hex = devnetPrivateKey(DEVNET_ACCOUNT_INDEXES.keeper);
  return parseConfig(text, {
    source: "devnet configuration",
    env: { HK_KEEPER_PRIVATE_KEY: keeperKey, ...options.env },
  });
}
