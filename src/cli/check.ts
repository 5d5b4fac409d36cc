// `hedgekeeper check`: the configuration against the world. Every RPC answers with the configured chain id,
// Redis answers, each keeper key matches its address, and each Roles modifier's deployed permissions equal
// the ones the configuration generates (permissions as code; drift is anything added or missing on chain).
import type { PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createChainClient } from "../chain/client.ts";
import { redactRpcUrl, scrubRpcUrls } from "../chain/rpc-url.ts";
import { chainClientOptionsFromConfig, treasuryScopeFromConfig } from "../config/adapters.ts";
import type { HedgekeeperConfig } from "../config/schema.ts";
import { describeAllowances } from "../execution/allowance-report.ts";
import { diffPermissions, type PermissionDrift } from "../execution/permission-drift.ts";
import { readPriceSourceDrift } from "../execution/price-source-drift.ts";
import { readKeeperAllowances } from "../execution/read-allowances.ts";
import { readDeployedRoleState } from "../execution/read-role-statements.ts";
import { DELEVERAGER_ROLE_KEY, GUARDIAN_ROLE_KEY, KEEPER_ROLE_KEY } from "../execution/role-keys.ts";
import { desiredStatements } from "../execution/role-statements.ts";
import { describeRedisTopology, pingRedisTopology } from "../runtime/redis-connection.ts";

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface CheckReport {
  ok: boolean;
  results: CheckResult[];
  /** Per treasury: the permission drift found (absent when it could not be read). */
  drift: Record<string, PermissionDrift>;
}

/** The keys of our roles whose presence on chain must be explained by the configuration. */
export const OWNED_ROLE_KEY_PREFIXES: readonly string[] = [
  KEEPER_ROLE_KEY,
  GUARDIAN_ROLE_KEY,
  DELEVERAGER_ROLE_KEY,
].flatMap((key) => [`target:${key}`, `function:${key}`, `member:${key}`]);

function message(error: unknown, urls: readonly string[]): string {
  const text =
    error instanceof Error
      ? ((error as Error & { shortMessage?: string }).shortMessage ?? error.message)
      : String(error);
  return scrubRpcUrls(text.split("\n")[0] ?? text, urls);
}

export async function runCheck(
  config: HedgekeeperConfig,
  options: { redisTimeoutMs?: number; clients?: Record<string, PublicClient> } = {},
): Promise<CheckReport> {
  const results: CheckResult[] = [{ name: "config", ok: true, detail: "valid" }];
  const drift: Record<string, PermissionDrift> = {};
  const clients: Record<string, PublicClient> = {};
  const heads: Record<string, bigint> = {};

  for (const [networkId, network] of Object.entries(config.networks)) {
    // Each URL on its own: a fallback would hide a dead or wrong endpoint behind a good one.
    for (const [i, url] of network.rpcUrls.entries()) {
      const name = `rpc ${networkId}[${i}] ${redactRpcUrl(url)}`;
      try {
        const client =
          options.clients?.[networkId] ??
          createChainClient({
            ...chainClientOptionsFromConfig(config, networkId),
            rpcUrls: [url],
            retry: { attempts: 1, baseDelayMs: 0, maxDelayMs: 0, rateLimitBudgetMs: 0 },
          });
        const chainId = await client.getChainId();
        if (chainId !== network.chainId) {
          results.push({
            name,
            ok: false,
            detail: `answers chain ${chainId}, configured ${network.chainId}`,
          });
          continue;
        }
        const head = await client.getBlockNumber({ cacheTime: 0 });
        results.push({ name, ok: true, detail: `chain ${chainId}, head ${head}` });
        clients[networkId] ??= client;
        heads[networkId] ??= head;
      } catch (error) {
        results.push({ name, ok: false, detail: message(error, network.rpcUrls) });
      }
    }
  }

  const redisOk = await pingRedisTopology(config.redis, options.redisTimeoutMs ?? 1_000);
  results.push({
    name: `redis ${describeRedisTopology(config.redis)}`,
    ok: redisOk,
    detail: redisOk ? "PONG" : "no answer",
  });

  for (const [treasuryId, treasury] of Object.entries(config.treasuries)) {
    try {
      const derived = privateKeyToAccount(treasury.keeper.privateKey as `0x${string}`).address;
      const same = derived.toLowerCase() === treasury.keeper.address.toLowerCase();
      results.push({
        name: `keeper key ${treasuryId}`,
        ok: same,
        detail: same
          ? `signs as ${derived}`
          : `the key signs as ${derived}, configured ${treasury.keeper.address}`,
      });
    } catch {
      results.push({
        name: `keeper key ${treasuryId}`,
        ok: false,
        detail: "not a valid secp256k1 private key",
      });
    }

    const client = clients[treasury.network];
    const head = heads[treasury.network];
    const name = `permissions ${treasuryId} (Roles ${treasury.roles})`;
    if (client === undefined || head === undefined) {
      results.push({ name, ok: false, detail: `no reachable RPC for network ${treasury.network}` });
      continue;
    }
    try {
      if (!(await client.getCode({ address: treasury.roles }))) {
        results.push({ name, ok: false, detail: "no contract at the Roles address" });
        continue;
      }
      const scope = treasuryScopeFromConfig(config, treasuryId);
      const desired = desiredStatements(scope);
      const deployed = await readDeployedRoleState(client, treasury.roles, {
        fromBlock: BigInt(treasury.rolesDeployBlock),
        toBlock: head,
      });
      const found = diffPermissions(desired, deployed, OWNED_ROLE_KEY_PREFIXES);
      drift[treasuryId] = found;
      const clean = found.missing.length === 0 && found.unexpected.length === 0;
      results.push({
        name,
        ok: clean,
        detail: clean
          ? `${desired.length} statements match the chain`
          : `drift: ${found.missing.length} missing or different, ${found.unexpected.length} granted outside config`,
      });
      const sources = await readPriceSourceDrift(client, scope);
      for (const source of sources) found.missing.push({ ...source, key: `hedge-bounds:${source.key}` });
      results.push({
        name: `price bounds ${treasuryId} (HedgeBounds ${scope.bounds.hedgeBounds})`,
        ok: sources.length === 0,
        detail:
          sources.length === 0
            ? `${scope.bounds.priceSources.length} price sources match the chain`
            : `drift: ${sources.length} price sources missing or different`,
      });
      // What the keeper may still move now: informative, not a failure (an exhausted allowance refills by itself),
      // but the only place its refusals are named (Roles reports a failed pair's Or without the allowance).
      results.push({
        name: `allowances ${treasuryId}`,
        ok: true,
        detail: describeAllowances(await readKeeperAllowances(client, scope, head)),
      });
    } catch (error) {
      results.push({
        name,
        ok: false,
        detail: message(error, config.networks[treasury.network]?.rpcUrls ?? []),
      });
    }
  }

  return { ok: results.every((r) => r.ok), results, drift };
}

export function renderCheckReport(report: CheckReport): string {
  const lines = report.results.map((r) => `${r.ok ? "ok  " : "FAIL"}  ${r.name}: ${r.detail}`);
  for (const [treasuryId, d] of Object.entries(report.drift)) {
    for (const m of d.missing) {
      lines.push(
        `      ${treasuryId} missing  ${m.key} (config ${m.desired ?? "none"}, chain ${m.deployed ?? "none"})`,
      );
    }
    for (const u of d.unexpected) lines.push(`      ${treasuryId} unexpected  ${u.key} = ${u.deployed}`);
  }
  lines.push(report.ok ? "all checks passed" : "some checks failed");
  return `${lines.join("\n")}\n`;
}
