/** One problem in a configuration file: where (a dotted path, `(root)` for the file itself) and why. */
export interface ConfigIssue {
  path: string;
  message: string;
}

/**
 * A configuration that cannot be used, with every problem found (not only the first): an operator fixes the
 * file once. Not retryable. Messages name keys and environment variables, never their secret values.
 */
export class ConfigError extends Error {
  override name = "ConfigError";
  readonly issues: readonly ConfigIssue[];
  readonly source: string;

  constructor(source: string, issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    const lines = issues.map((i) => `  ${i.path}: ${i.message}`);
    super(
      `${source}: ${issues.length} problem${issues.length === 1 ? "" : "s"} in the configuration\n${lines.join("\n")}`,
      options,
    );
    this.source = source;
    this.issues = issues;
  }
}

export function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return "(root)";
  return path.map((p) => String(p)).join(".");
}
