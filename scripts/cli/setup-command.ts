// `hedgekeeper setup`: what a treasury's owners sign once to hire the keeper, from the reviewed configuration:
// enable the Roles modifier (when it is not yet a module), set HedgeGuard's feed heartbeats, approve the venues
// for what the keeper may trade, apply the keeper's and the guardian's permission sets with their allowances and
// assign both roles — as one Safe transaction (DELEGATECALL to MultiSendCallOnly). Writes a Safe{Wallet}
// Transaction Builder file for the owners to import, review and sign, and prints the safeTxHash they sign.
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { hashTypedData } from "viem";
import { createChainClient } from "../../src/chain/client.ts";
import { readSafeNonce, safeAbi, safeTransactionTypedData } from "../../src/chain/safe-transaction.ts";
import { chainClientOptionsFromConfig, treasuryScopeFromConfig } from "../../src/config/adapters.ts";
import { ConfigError } from "../../src/config/config-error.ts";
import { loadConfig } from "../../src/config/load-config.ts";
import {
  asSafeBatch,
  transactionBuilderJson,
  treasurySetupTransactions,
} from "../../src/execution/treasury-setup.ts";
import { wallClock } from "../../src/runtime/clock.ts";

export const SETUP_HELP = `hedgekeeper setup --treasury <name> [--config <file>] [--out <file>] [--json]

Builds the one Safe transaction the treasury's owners sign to hire the keeper: enable the Roles modifier (if it
is not a module yet), HedgeGuard's feed heartbeats (every feed of the treasury's network), venue approvals, the
keeper's and guardian's permission sets with their allowances, and both roles. Writes a Safe{Wallet} Transaction
Builder file (default hire-keeper.<treasury>.json) and prints the Safe nonce and the safeTxHash to sign.
Nothing is signed or sent. Afterwards, \`hedgekeeper check\` compares the deployed permissions with the file.
`;

export async function setupCommand(args: string[], defaultConfig: string): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: "string", short: "c", default: defaultConfig },
      treasury: { type: "string" },
      out: { type: "string", short: "o" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    process.stdout.write(SETUP_HELP);
    return 0;
  }
  const config = loadConfig(values.config);
  const treasuryId =
    values.treasury ??
    (Object.keys(config.treasuries).length === 1 ? Object.keys(config.treasuries)[0] : undefined);
  if (treasuryId === undefined || config.treasuries[treasuryId] === undefined) {
    throw new ConfigError(values.config, [
      { path: "treasuries", message: "name the treasury with --treasury" },
    ]);
  }
  const treasury = config.treasuries[treasuryId]!;
  const network = config.networks[treasury.network]!;
  const scope = treasuryScopeFromConfig(config, treasuryId);
  const client = createChainClient(chainClientOptionsFromConfig(config, treasury.network));
  const [moduleEnabled, nonce] = await Promise.all([
    client.readContract({
      address: scope.safe,
      abi: safeAbi,
      functionName: "isModuleEnabled",
      args: [scope.roles],
    }),
    readSafeNonce(client, scope.safe),
  ]);
  const transactions = treasurySetupTransactions({
    scope,
    enableRolesModule: !moduleEnabled,
    feeds: Object.values(network.feeds).map((feed) => ({
      address: feed.address,
      heartbeatSec: feed.heartbeatSec,
    })),
  });
  const batch = asSafeBatch(scope, transactions);
  const safeTxHash = hashTypedData(
    safeTransactionTypedData(network.chainId, scope.safe, { ...batch, nonce }),
  );
  const out = values.out ?? `hire-keeper.${treasuryId}.json`;
  writeFileSync(
    out,
    `${JSON.stringify(
      transactionBuilderJson({
        chainId: network.chainId,
        safe: scope.safe,
        name: `hedgekeeper: hire the keeper for ${treasuryId}`,
        description: `Enable Roles ${moduleEnabled ? "(already enabled)" : scope.roles}, HedgeGuard heartbeats, approvals, keeper and guardian permissions, roles.`,
        createdAtMs: wallClock.nowMs(),
        transactions,
      }),
      null,
      2,
    )}\n`,
  );
  const result = {
    treasury: treasuryId,
    safe: scope.safe,
    nonce: nonce.toString(),
    safeTxHash,
    transactions: transactions.length,
    file: out,
  };
  process.stdout.write(
    values.json
      ? `${JSON.stringify(result, null, 2)}\n`
      : `${transactions.length} calls for ${treasuryId} (Safe ${scope.safe}, nonce ${nonce}) written to ${out}\nsafeTxHash to sign: ${safeTxHash}\n`,
  );
  return 0;
}
