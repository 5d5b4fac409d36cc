// `node scripts/cli-docs.ts`: regenerate what is derived from the config schema and templates:
// docs/config-reference.md and the two example configs (tests assert each equals its generator's output). The
// devnet example comes from a fixture copy of a fresh devnet's manifest (its addresses are deterministic).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { renderDevnetConfig, renderRpcConfig } from "../src/cli/config-templates.ts";
import { renderConfigReference } from "../src/config/config-reference.ts";
import { parseManifest } from "../src/devnet/manifest.ts";

mkdirSync("config", { recursive: true });
writeFileSync("docs/config-reference.md", renderConfigReference());
writeFileSync("config/mainnet.example.yaml", renderRpcConfig({ chainId: 1 }));
const fixture = "src/config/devnet-manifest.fixture.json";
writeFileSync(
  "config/devnet.example.yaml",
  renderDevnetConfig(parseManifest(JSON.parse(readFileSync(fixture, "utf8")), fixture)),
);
console.log("wrote docs/config-reference.md, config/mainnet.example.yaml, config/devnet.example.yaml");
