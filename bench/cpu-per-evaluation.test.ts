import { describe, expect, it } from "vitest";
import { coresNeeded, cpuPerEvaluation, cpuTicksBetween } from "./cpu-per-evaluation.ts";

describe("cpuTicksBetween", () => {
  it("sums each process's growth since the first sample", () => {
    const before = new Map([
      [10, 100],
      [11, 5],
    ]);
    const after = new Map([
      [10, 130],
      [11, 5],
    ]);
    expect(cpuTicksBetween(before, after)).toEqual({ ticks: 30, startedPids: [], exitedPids: [] });
  });

  it("counts a process that started in the window whole and lists the ones that exited", () => {
    const before = new Map([
      [10, 100],
      [12, 40],
    ]);
    const after = new Map([
      [10, 110],
      [13, 7],
    ]);
    // 12's ticks after `before` are unknown: it is reported, not guessed.
    expect(cpuTicksBetween(before, after)).toEqual({ ticks: 17, startedPids: [13], exitedPids: [12] });
  });

  it("rejects a count that went down (the pid now names another process)", () => {
    expect(() => cpuTicksBetween(new Map([[10, 100]]), new Map([[10, 3]]))).toThrow(
      /pid 10: CPU ticks went from 100 to 3/,
    );
  });
});

describe("cpuPerEvaluation", () => {
  it("divides each part's CPU over the evaluations, in milliseconds, and sums the parts", () => {
    // Ten blocks of 1,000 books: 10,000 evaluations.
    const { byPartMs, totalMs } = cpuPerEvaluation(
      { keeper: 45, node: 30, postgres: 21, redis: 2.5 },
      10_000,
    );
    expect(byPartMs).toEqual({ keeper: 4.5, node: 3, postgres: 2.1, redis: 0.25 });
    expect(totalMs).toBeCloseTo(9.85, 10);
  });

  it("rejects no evaluations and a part's CPU that is not a number, naming it", () => {
    expect(() => cpuPerEvaluation({ keeper: 1 }, 0)).toThrow(/evaluations must be a positive integer, got 0/);
    expect(() => cpuPerEvaluation({ keeper: Number.NaN }, 10)).toThrow(/CPU seconds of keeper .* got NaN/);
  });
});

describe("coresNeeded", () => {
  it("is CPU per evaluation x books over the time allowed", () => {
    // The arithmetic: ~10 ms an evaluation, 1,000 books in 2 s: 5 cores; 4 ms fits the 2 cores.
    expect(coresNeeded(10, 1000, 2000)).toBe(5);
    expect(coresNeeded(4, 1000, 2000)).toBe(2);
  });

  it("rejects a time allowed that is not positive", () => {
    expect(() => coresNeeded(4, 1000, 0)).toThrow(/withinMs must be positive, got 0/);
  });
});
