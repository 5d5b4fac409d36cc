// YAML → literal-secret check → `${ENV_VAR}` substitution → zod. Every problem of every stage is collected
// into one ConfigError, each named by the key's path and why.
import { readFileSync } from "node:fs";
import { parseDocument } from "yaml";
import type { z } from "zod";
import { ConfigError, type ConfigIssue, formatPath } from "./config-error.ts";
import { findLiteralSecrets, SECRET_PATHS, substituteEnv } from "./env-references.ts";
import { configSchema, type HedgekeeperConfig } from "./schema.ts";

export interface LoadConfigOptions {
  env?: Readonly<Record<string, string | undefined>>;
  /** Named in error messages (the file path). */
  source?: string;
  /**
   * The secrets (SECRET_PATHS patterns) the caller reads; the others may be unset, their `${NAME}` text kept.
   * Default: every secret is required.
   */
  secretsUsed?: readonly string[];
}

/**
 * The secrets the stewards' commands read (report, backtest, export-prices): the history store's URL, nothing of
 * the keeper's (its key, the alert sinks, the API token, Redis).
 */
export const STEWARD_SECRETS: readonly string[] = ["history.databaseUrl"];

/** The deleverager signs with its own key (HK_DELEVERAGER_PRIVATE_KEY), never the keeper's: every other secret. */
export const DELEVERAGER_SECRETS: readonly string[] = SECRET_PATHS.filter(
  (pattern) => pattern !== "treasuries.*.keeper.privateKey",
);

/** zod's issues as ours: an unknown key is reported at its own path, not at its parent's. */
export function issuesOfZod(error: z.ZodError): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        issues.push({ path: formatPath([...issue.path, key]), message: "unknown key" });
      }
    } else if (issue.code === "invalid_type" && issue.message.includes("received undefined")) {
      issues.push({ path: formatPath(issue.path), message: `required (${issue.expected})` });
    } else {
      issues.push({ path: formatPath(issue.path), message: issue.message });
    }
  }
  return issues;
}

/** Validates YAML text; throws ConfigError listing every problem. */
export function parseConfig(text: string, options: LoadConfigOptions = {}): HedgekeeperConfig {
  const source = options.source ?? "config";
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    throw new ConfigError(
      source,
      document.errors.map((e) => ({
        path: "(root)",
        message: `YAML: ${e.message.split("\n")[0]}${e.linePos ? ` (line ${e.linePos[0].line})` : ""}`,
      })),
    );
  }
  const raw: unknown = document.toJS();
  const secretIssues = findLiteralSecrets(raw);
  const { value, issues: envIssues } = substituteEnv(raw, options.env ?? process.env, options.secretsUsed);
  const parsed = configSchema.safeParse(value);
  // A key whose variable is missing fails zod too (empty string): report only the missing variable.
  const envPaths = new Set(envIssues.map((i) => i.path));
  const schemaIssues = parsed.success ? [] : issuesOfZod(parsed.error).filter((i) => !envPaths.has(i.path));
  const issues = [...secretIssues, ...envIssues, ...schemaIssues];
  if (issues.length > 0 || !parsed.success) throw new ConfigError(source, dedupe(issues));
  return parsed.data;
}

export function loadConfig(path: string, options: Omit<LoadConfigOptions, "source"> = {}): HedgekeeperConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (cause) {
    throw new ConfigError(path, [{ path: "(root)", message: "cannot read the file" }], { cause });
  }
  return parseConfig(text, { ...options, source: path });
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
