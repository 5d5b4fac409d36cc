import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type Artifact, loadArtifact } from "./artifacts.ts";

/** The project's own devnet contracts (contracts/devnet), built by `npm run compile` into artifacts/. */
export function loadProjectArtifact(sourceName: string, contractName: string): Artifact {
  const path = fileURLToPath(
    new URL(`../../artifacts/contracts/${sourceName}/${contractName}.json`, import.meta.url),
  );
  if (!existsSync(path)) {
    throw new Error(`missing artifact for ${contractName}: run \`npm run compile\` first`);
  }
  return loadArtifact(path);
}
