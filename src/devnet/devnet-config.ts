// The devnet treasury's configuration as the operator has it: the file `hedgekeeper init --network devnet` writes
// (src/cli/config-templates.ts), validated by the one schema. The devnet's book, its policy and the keeper's
// scope come from it through the same adapters `hedgekeeper run` uses (src/config/adapters.ts): the demo, the
// tests and the benchmarks watch the book an operator would configure, not a hand-written copy of it.
import type { Hex } from "viem";
import { renderDevnetConfig } from "../cli/config-templates.ts";
import { parseConfig } from "../config/load-config.ts";
import type { HedgekeeperConfig } from "../config/schema.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetPrivateKey } from "./accounts.ts";
import type { DevnetManifest } from "./manifest.ts";

/** The devnet's one book. */
export const DEVNET_BOOK_ID = "treasury-eth";
/** The devnet's one treasury. */
export const DEVNET_TREASURY_ID = "devnet-treasury";

/** Stands in for HedgeGuard and HedgeBounds before the keeper is hired: enough to read the book, not to send. */
const NOT_DEPLOYED = "0x0000000000000000000000000000000000000000";

export interface DevnetConfigOptions {
  rpcUrl?: string;
  redisUrl?: string;
  /** HedgeGuard and HedgeBounds as setUpDevnetKeeper deployed them (the scope's `hedgeGuard`, `bounds`). */
  deployed?: { hedgeGuard: string; hedgeBounds: string };
  /** Values for the file's `${...}` references (default: the devnet keeper's own, public, key). */
  env?: Readonly<Record<string, string>>;
}

/** The devnet's configuration, parsed and validated exactly as `hedgekeeper run` loads the file. */
export function devnetConfig(manifest: DevnetManifest, options: DevnetConfigOptions = {}): HedgekeeperConfig {
  const text = renderDevnetConfig(manifest, {
    ...(options.rpcUrl !== undefined && { rpcUrl: options.rpcUrl }),
    ...(options.redisUrl !== undefined && { redisUrl: options.redisUrl }),
    hedgeGuard: options.deployed?.hedgeGuard ?? NOT_DEPLOYED,
    hedgeBounds: options.deployed?.hedgeBounds ?? NOT_DEPLOYED,
  });
  const keeperKey: Hex = devnetPrivateKey(DEVNET_ACCOUNT_INDEXES.keeper);
  return parseConfig(text, {
    source: "devnet configuration",
    env: { HK_KEEPER_PRIVATE_KEY: keeperKey, ...options.env },
  });
}
