// `${ENV_VAR}` references in the configuration: substituted in the parsed YAML tree (so each problem keeps its
// key's path), required for secrets, and a literal private key anywhere in the file is refused.
import { type ConfigIssue, formatPath } from "./config-error.ts";

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*\}$/;
/** 32 bytes of hex: the shape of a secp256k1 private key (the config has no other bytes32 field). */
const PRIVATE_KEY_LIKE = /(^|[^0-9a-fA-F])(0x)?[0-9a-fA-F]{64}([^0-9a-fA-F]|$)/;

/** Keys that hold secrets: their value must be exactly one `${ENV_VAR}` reference. `*` matches one key. */
export const SECRET_PATHS: readonly string[] = [
  "treasuries.*.keeper.privateKey",
  "alerts.sinks.*.url",
  "alerts.sinks.*.hmacSecret",
  "alerts.sinks.*.botToken",
  "alerts.sinks.*.chatId",
  "alerts.sinks.*.routingKey",
  "api.token",
  "history.databaseUrl",
  "redis.sentinels.password",
  "redis.cluster.password",
];

type Env = Readonly<Record<string, string | undefined>>;

function matches(pattern: string, path: readonly PropertyKey[]): boolean {
  const parts = pattern.split(".");
  return parts.length === path.length && parts.every((part, i) => part === "*" || part === String(path[i]));
}

function walk(
  node: unknown,
  path: PropertyKey[],
  visit: (value: string, path: PropertyKey[]) => unknown,
): unknown {
  if (typeof node === "string") return visit(node, path);
  if (Array.isArray(node)) return node.map((item, i) => walk(item, [...path, i], visit));
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(
      Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, walk(v, [...path, k], visit)]),
    );
  }
  return node;
}

/** A URL (Redis, RPC) whose user-info password is written out rather than referenced. */
function hasLiteralPassword(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return false;
  try {
    const password = new URL(value).password;
    return password !== "" && !/\$\{/.test(decodeURIComponent(password));
  } catch {
    return false;
  }
}

/** Secret keys holding literals, and private-key-shaped literals anywhere: checked before substitution. */
export function findLiteralSecrets(raw: unknown): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  walk(raw, [], (value, path) => {
    if (SECRET_PATHS.some((pattern) => matches(pattern, path))) {
      if (!WHOLE_REFERENCE.test(value)) {
        issues.push({
          path: formatPath(path),
          message: "a secret must be an ${ENV_VAR} reference, not a literal value",
        });
      }
    } else if (hasLiteralPassword(value)) {
      issues.push({
        path: formatPath(path),
        message: "a password in a URL must come from an ${ENV_VAR} reference, not a literal",
      });
    } else if (PRIVATE_KEY_LIKE.test(value.replace(REFERENCE, ""))) {
      issues.push({
        path: formatPath(path),
        message: "looks like a private key: put it in an environment variable and write ${ENV_VAR}",
      });
    }
    return value;
  });
  return issues;
}

/**
 * Replaces `${NAME}` (or `${NAME:-default}`) in every string of the tree. A missing variable without a
 * default is an issue at the key's path naming the variable. Values are strings: references belong in
 * string fields (URLs, keys), not numbers.
 *
 * `secretsUsed`: the SECRET_PATHS patterns the command will read (default: all of them). A secret outside them
 * whose variable is not set keeps its `${NAME}` text, no issue: `hedgekeeper report` reads the history store,
 * not the keeper's key, and a steward running it has no business holding that key.
 */
export function substituteEnv(
  raw: unknown,
  env: Env,
  secretsUsed: readonly string[] = SECRET_PATHS,
): { value: unknown; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const unused = (path: readonly PropertyKey[]) =>
    SECRET_PATHS.some((pattern) => !secretsUsed.includes(pattern) && matches(pattern, path));
  const value = walk(raw, [], (text, path) =>
    text.replace(REFERENCE, (whole, name: string, fallback: string | undefined) => {
      const found = env[name];
      if (found !== undefined && found !== "") return found;
      if (fallback !== undefined) return fallback;
      if (unused(path)) return whole;
      issues.push({ path: formatPath(path), message: `environment variable ${name} is not set` });
      return "";
    }),
  );
  return { value, issues };
}

/** The environment variables a configuration refers to (for `init` and `check` to list). */
export function referencedVariables(raw: unknown): string[] {
  const names = new Set<string>();
  walk(raw, [], (text) => {
    for (const match of text.matchAll(REFERENCE)) names.add(match[1]!);
    return text;
  });
  return [...names].sort();
}
