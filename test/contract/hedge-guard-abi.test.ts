import hre from "hardhat";
import { type Abi, toFunctionSelector } from "viem";
import { formatAbiItem } from "viem/utils";
import { describe, expect, it } from "vitest";
import { HEDGE_BOUNDS_ABI, HEDGE_GUARD_ABI, V4_WITHDRAWAL_BOUNDS_ABI } from "../../src/execution/abis.ts";
import { GUARD_SIGNATURES } from "../../src/execution/permissions.ts";

// The execution layer encodes HedgeGuard and HedgeBounds calls from hand-written ABIs and the keeper's permissions
// name HedgeGuard's functions by signature: all must stay equal to what the compiler produced.
const artifact = await hre.artifacts.readArtifact("HedgeGuard");
const boundsArtifact = await hre.artifacts.readArtifact("HedgeBounds");
const signatures = (abi: readonly unknown[], type: "function" | "error" | "event") =>
  (abi as { type: string }[])
    .filter((item) => item.type === type)
    .map((item) => formatAbiItem(item as Extract<Abi[number], { type: "function" | "error" | "event" }>))
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

  it("scopes the keeper to exactly the five check functions, by their compiled signatures", () => {
    const compiledChecks = signatures(artifact.abi, "function").filter((s) => s.startsWith("check"));
    expect([...GUARD_SIGNATURES].sort()).toEqual(compiledChecks);
  });
});

type AbiParameterShape = { type: string; indexed?: boolean; components?: readonly AbiParameterShape[] };
const parameterShape = (params: readonly AbiParameterShape[]): unknown =>
  params.map((p) => [p.type, p.indexed ?? false, p.components ? parameterShape(p.components) : null]);
const shapeKey = (item: Abi[number]) => `${item.type} ${"name" in item ? item.name : ""}`;
/** Everything encoding and decoding depend on: types, tuple components, indexed flags, results, mutability. */
const shape = (item: Abi[number]) => ({
  inputs: "inputs" in item ? parameterShape(item.inputs) : null,
  outputs: "outputs" in item ? parameterShape(item.outputs) : null,
  stateMutability: "stateMutability" in item ? item.stateMutability : null,
});

describe("HedgeBounds ABI used by the execution layer", () => {
  it("declares every error the compiled contract can revert with", () => {
    const compiled = signatures(boundsArtifact.abi, "error").filter((s) => s.startsWith("HedgeBounds"));
    expect(signatures(HEDGE_BOUNDS_ABI, "error")).toEqual(compiled);
  });

  it("encodes its functions, decodes their results and its event exactly as compiled", () => {
    const compiled = new Map((boundsArtifact.abi as Abi).map((item) => [shapeKey(item), shape(item)]));
    for (const item of HEDGE_BOUNDS_ABI) expect(shape(item)).toEqual(compiled.get(shapeKey(item)));
  });

  it("has the custom-condition entry point Roles v2 calls (selector 0xb0acb980)", () => {
    const check = (HEDGE_BOUNDS_ABI as Abi).find((item) => item.type === "function" && item.name === "check");
    expect(toFunctionSelector(formatAbiItem(check as Extract<Abi[number], { type: "function" }>))).toBe(
      "0xb0acb980",
    );
  });
});

describe("V4WithdrawalBounds ABI used by the execution layer", () => {
  it("declares every error, encodes its functions and has Roles v2's custom-condition entry point, as compiled", async () => {
    const compiledAbi = (await hre.artifacts.readArtifact("V4WithdrawalBounds")).abi as Abi;
    const compiledErrors = signatures(compiledAbi, "error").filter((s) => s.startsWith("V4WithdrawalBounds"));
    expect(signatures(V4_WITHDRAWAL_BOUNDS_ABI, "error")).toEqual(compiledErrors);
    const compiled = new Map(compiledAbi.map((item) => [shapeKey(item), shape(item)]));
    for (const item of V4_WITHDRAWAL_BOUNDS_ABI) expect(shape(item)).toEqual(compiled.get(shapeKey(item)));
    const check = (V4_WITHDRAWAL_BOUNDS_ABI as Abi).find(
      (item) => item.type === "function" && item.name === "check",
    );
    expect(toFunctionSelector(formatAbiItem(check as Extract<Abi[number], { type: "function" }>))).toBe(
      "0xb0acb980",
    );
  });
});
