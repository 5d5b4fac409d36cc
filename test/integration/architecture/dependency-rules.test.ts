import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";

// The layering in docs/development.md is enforced by dependency-cruiser (`npm run check`). These tests plant
// forbidden imports and make sure the check really rejects them, so a config change cannot silently disarm it.
const PROBE = "src/engine/zz-dependency-probe.ts";
const SRC_PROBE = "src/runtime/zz-dependency-probe.ts";

function cruise(...paths: string[]): string {
  const result = spawnSync("npx", ["depcruise", "--config", ".dependency-cruiser.cjs", ...paths], {
    encoding: "utf8",
  });
  return `${result.stdout}${result.stderr}`;
}

afterEach(() => {
  rmSync(PROBE, { force: true });
  rmSync(SRC_PROBE, { force: true });
});

describe("dependency rules", () => {
  it("keep the engine pure: no viem, Redis, file system or chain layer", () => {
    writeFileSync(
      PROBE,
      [
        'import { readFileSync } from "node:fs";',
        'import { Redis } from "ioredis";',
        'import { http } from "viem";',
        'import { createChainClient } from "../chain/client.ts";',
        "export const probe = [readFileSync, Redis, http, createChainClient];",
        "",
      ].join("\n"),
    );
    const report = cruise("src/engine");
    expect(report).toMatch(
      /engine-no-io-packages: src\/engine\/zz-dependency-probe\.ts → node_modules\/viem/,
    );
    expect(report).toMatch(
      /engine-no-io-packages: src\/engine\/zz-dependency-probe\.ts → node_modules\/ioredis/,
    );
    expect(report).toMatch(/engine-is-pure: src\/engine\/zz-dependency-probe\.ts → fs/);
    expect(report).toMatch(/engine-is-pure: src\/engine\/zz-dependency-probe\.ts → src\/chain\/client\.ts/);
  });

  it("forbid src/ from importing the keeper or scripts", () => {
    writeFileSync(SRC_PROBE, 'import "../../scripts/run-checks.ts";\nexport const probe = 1;\n');
    expect(cruise("src/runtime", "scripts")).toMatch(/src-never-imports-keeper-or-scripts/);
  });

  it("pass on the tree as it is", () => {
    expect(cruise("src", "scripts")).toMatch(/no dependency violations found/);
  });
});
