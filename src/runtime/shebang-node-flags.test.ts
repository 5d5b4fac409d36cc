import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { shebangNodeFlags } from "./shebang-node-flags.ts";

describe("shebangNodeFlags", () => {
  it("reads the flags after `env -S node`", () => {
    expect(
      shebangNodeFlags("#!/usr/bin/env -S node --max-semi-space-size=64 --trace-warnings\nrest"),
    ).toEqual(["--max-semi-space-size=64", "--trace-warnings"]);
  });

  it("finds none on a plain node shebang or without a shebang", () => {
    expect(shebangNodeFlags("#!/usr/bin/env node\n// x")).toEqual([]);
    expect(shebangNodeFlags("// no shebang\n")).toEqual([]);
  });

  it("refuses another interpreter's shebang rather than run it as Node", () => {
    expect(() => shebangNodeFlags("#!/bin/sh\n")).toThrow(/not a Node shebang/);
  });

  it("reads the CLI's own: the young generation it runs with", () => {
    expect(shebangNodeFlags(readFileSync("scripts/hedgekeeper.ts", "utf8"))).toContain(
      "--max-semi-space-size=64",
    );
  });
});
