// docs/config-reference.md, generated from the zod schema (through its JSON Schema) so it never drifts:
// `node scripts/cli-docs.ts` writes it and a test asserts the committed file equals this output.
import { z } from "zod";
import { SECRET_PATHS } from "./env-references.ts";
import { configSchema } from "./schema.ts";

interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  pattern?: string;
  format?: string;
}

interface Row {
  path: string;
  type: string;
  required: boolean;
  default: unknown;
  description: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

function typeOf(s: JsonSchema): string {
  if (s.const !== undefined) return `\`${JSON.stringify(s.const)}\``;
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(" \\| ");
  const variants = s.anyOf ?? s.oneOf;
  if (variants) return variants.map(typeOf).join(" \\| ");
  if (s.pattern === "^0x[0-9a-fA-F]{40}$") return "address";
  const base = Array.isArray(s.type) ? s.type.join(" \\| ") : (s.type ?? "any");
  if (base === "array") return `${s.items ? typeOf(s.items) : "any"}[]`;
  if (base === "object") return s.additionalProperties && s.additionalProperties !== true ? "map" : "object";
  const bounds: string[] = [];
  if (s.exclusiveMinimum !== undefined) bounds.push(`> ${s.exclusiveMinimum}`);
  if (s.minimum !== undefined) bounds.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined && s.maximum < MAX_SAFE) bounds.push(`≤ ${s.maximum}`);
  if (s.exclusiveMaximum !== undefined) bounds.push(`< ${s.exclusiveMaximum}`);
  if (s.format === "uri") return "URL";
  return bounds.length > 0 ? `${base} (${bounds.join(", ")})` : base;
}

function walk(s: JsonSchema, path: string, required: boolean, rows: Row[]): void {
  const row = (description = s.description ?? "") =>
    rows.push({ path, type: typeOf(s), required, default: s.default, description });
  const variants = s.oneOf ?? s.anyOf;
  if (variants?.every((v) => v.properties)) {
    row();
    // A discriminated union (alert sinks by `kind`, hedge legs by `venue`): each variant's keys, labelled by it.
    for (const variant of variants) {
      const key = variant.properties?.kind ? "kind" : "venue";
      const value = variant.properties?.[key]?.const;
      walk({ ...variant, description: undefined }, `${path}{${key}: ${String(value)}}`, required, rows);
    }
    return;
  }
  if (s.properties) {
    if (path) row();
    for (const [key, child] of Object.entries(s.properties)) {
      walk(child, path ? `${path}.${key}` : key, (s.required ?? []).includes(key), rows);
    }
    return;
  }
  if (s.additionalProperties && typeof s.additionalProperties === "object") {
    row();
    walk(s.additionalProperties, `${path}.<name>`, true, rows);
    return;
  }
  if (s.type === "array" && (s.items?.properties || (s.items?.oneOf ?? s.items?.anyOf))) {
    row();
    walk(s.items, `${path}[]`, true, rows);
    return;
  }
  row();
}

function isSecret(path: string): boolean {
  const plain = path
    .replace(/\{(kind|venue): [\w-]+\}/g, "")
    .replace(/\[\]/g, ".*")
    .replace(/<name>/g, "*");
  return SECRET_PATHS.includes(plain);
}

export function renderConfigReference(): string {
  const json = z.toJSONSchema(configSchema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const rows: Row[] = [];
  walk(json, "", true, rows);
  const escapeCell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const lines = rows.map((r) => {
    const flags = [
      r.required && r.default === undefined ? "required" : "",
      isSecret(r.path) ? "**secret**" : "",
    ]
      .filter(Boolean)
      .join(", ");
    const def = r.default === undefined ? "" : `\`${JSON.stringify(r.default)}\``;
    return `| \`${r.path}\` | ${r.type} | ${flags} | ${def} | ${escapeCell(r.description)} |`;
  });
  return `# Configuration reference

<!-- Generated from src/config/schema.ts by \`node scripts/cli-docs.ts\`. Do not edit by hand. -->

A hedgekeeper configuration is one YAML file, validated at start-up and by \`hedgekeeper check\`. Units are
in the key names (\`…Sec\`, \`…Ms\`, \`…Bps\`, \`…Usd\`, \`…Gwei\`, \`…TokensPerDay\`). Any string may contain
\`\${ENV_VAR}\` or \`\${ENV_VAR:-default}\` references, substituted before validation. Keys marked **secret**
must be exactly one \`\${ENV_VAR}\` reference, and a private-key-shaped literal anywhere in the file is
refused. An invalid file fails with every bad key named by its path and why. \`<name>\` is a key you choose;
\`[]\` is a list item. Examples: \`config/devnet.example.yaml\`, \`config/mainnet.example.yaml\`.

Cross-references are checked too: a book's \`treasury\`, a treasury's \`network\`, token symbols (keys of the
network's \`tokens\`), feed ids (keys of its \`feeds\`), and a daily cap for every swap input and collateral.

| key | type | | default | meaning |
| --- | --- | --- | --- | --- |
${lines.join("\n")}
`;
}
