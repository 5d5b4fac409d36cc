import hre from "hardhat";
import type { Abi } from "viem";
import { formatAbiItem } from "viem/utils";
import { describe, expect, it } from "vitest";
import { HEDGE_GUARD_ABI } from "../../src/execution/abis.ts";
import { GUARD_SIGNATURES } from "../../src/execution/permissions.ts";

// The execution layer encodes HedgeGuard calls from a hand-written ABI and the keeper's permissions name its
// functions by signature: both must stay equal to what the compiler produced.
const artifact = await hre.artifacts.readArtifact("HedgeGuard");
const signatures = (abi: readonly unknown[], type: "function" | "error") =>
  (abi as { type: string }[])
    .filter((item) => item.type === type)
    .map((item) => formatAbiItem(item as Extract<Abi[number], { type: "function" | "error" }>))
    .sort();

describe("HedgeGuard ABI used by the execution layer", () => {
  it("declares every error the compiled contract can revert with", () => {
    const compiled = signatures(artifact.abi, "error").filter((s) => s.startsWith("HedgeGuard"));
    expect(signatures(HEDGE_GUARD_ABI, "error")).toEqual(compiled);
  });

  it("encodes the check functions exactly as compiled", () => {
    const compiled = new Set(signatures(artifact.abi, "function"));
    for (const signature of signatures(HEDGE_GUARD_ABI, "function")) expect(compiled).toContain(signature);
  });

  it("scopes the keeper to exactly the four check functions, by their compiled signatures", () => {
    const compiledChecks = signatures(artifact.abi, "function").filter((s) => s.startsWith("check"));
    expect([...GUARD_SIGNATURES].sort()).toEqual(compiledChecks);
  });
});
