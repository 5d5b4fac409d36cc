// `npm run check`: every static check, each reported by name; exits non-zero if any fails.
import { spawnSync } from "node:child_process";

const CHECKS: readonly { name: string; command: string; args: string[] }[] = [
  { name: "format + lint (biome)", command: "npx", args: ["biome", "check", "."] },
  // Typed contract handles come from the artifacts' generated declarations: compile first.
  { name: "compile (hardhat build)", command: "npx", args: ["hardhat", "build", "--quiet"] },
  { name: "types (tsc --noEmit)", command: "npx", args: ["tsc", "--noEmit", "-p", "tsconfig.json"] },
  {
    name: "dashboard types (tsc --noEmit)",
    command: "npx",
    args: ["tsc", "--noEmit", "-p", "dashboard/tsconfig.json"],
  },
  { name: "solidity lint (solhint)", command: "npx", args: ["solhint", "contracts/**/*.sol"] },
  {
    name: "dependency direction (dependency-cruiser)",
    command: "npx",
    args: ["depcruise", "--config", ".dependency-cruiser.cjs", "src", "keeper", "scripts"],
  },
];

const failed: string[] = [];
for (const check of CHECKS) {
  console.log(`\n── ${check.name} ──`);
  const result = spawnSync(check.command, check.args, { stdio: "inherit" });
  if (result.status !== 0) failed.push(check.name);
}
console.log(failed.length === 0 ? "\nall checks passed" : `\nfailed: ${failed.join(", ")}`);
process.exitCode = failed.length === 0 ? 0 : 1;
