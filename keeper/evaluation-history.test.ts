import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC } from "../src/engine/book-fixture.test-support.ts";
import { evaluateBook } from "../src/engine/book-metrics.ts";
import { syntheticSamples } from "../src/engine/samples-fixture.test-support.ts";
import { bookSampleOf } from "../src/indexers/book-sample.ts";
import { EFFECTIVENESS_WINDOWS, evaluationHistory, statusOf } from "./evaluation-history.ts";

function historyOf(options: Parameters<typeof makeBook>[0], previous = syntheticSamples(0, 1)) {
  const snapshot = makeBook(options);
  const params = makeParams();
  const metrics = evaluateBook(snapshot, params, NOW_SEC);
  const sample = { ...bookSampleOf(snapshot, metrics), blockNumber: 21_000_000n + BigInt(previous.length) };
  sample.timestampSec = 1_750_000_000 + 12 * previous.length;
  return {
    params,
    metrics,
    rows: evaluationHistory({ chainId: 1, snapshot, params, metrics, sample, previous, nowSec: NOW_SEC }),
  };
}

describe("what an evaluation leaves in the history", () => {
  it("records the drift against the arm band, the hedge ratio and IL beside the engine's sample", () => {
    const { rows, metrics, params } = historyOf({ hedgeRatio: 0.8 });
    expect(rows.sample.driftBps).toBe(metrics.drift.driftBps);
    expect(rows.sample.thresholdBps).toBe(params.armBps);
    expect(rows.sample.hedgeRatio).toBeCloseTo(0.8, 2);
    expect(rows.sample.lpValueUsd).toBeGreaterThan(0);
    expect(rows.status.status).toBe("act");
    expect(rows.depeg.map((d) => d.symbol)).toEqual(metrics.depeg.map((d) => d.symbol));
  });

  it("carries the standard stress table, every shock labelled and net = LP + hedge + spot", () => {
    const { rows } = historyOf({});
    const stress = rows.status.detail.stress as {
      shock: string;
      lpPnlUsd: number;
      hedgePnlUsd: number;
      spotPnlUsd: number;
      netPnlUsd: number;
    }[];
    expect(stress.map((r) => r.shock)).toContain("price -30.0%");
    expect(stress.map((r) => r.shock)).toContain("USDC at $0.8774");
    for (const r of stress) expect(r.netPnlUsd).toBeCloseTo(r.lpPnlUsd + r.hedgePnlUsd + r.spotPnlUsd, 6);
    expect(rows.status.detail.stressProblem).toBeNull();
  });

  it("reports no effectiveness until the shortest window has its samples, then the longest window's", () => {
    expect(historyOf({}).rows.status.effectiveness).toBeNull();
    const enough = historyOf({}, syntheticSamples(EFFECTIVENESS_WINDOWS[1] + 5, 0.95));
    const windows = enough.rows.status.detail.effectiveness as { samples: number; ederington: number }[];
    expect(windows.map((w) => w.samples)).toEqual([EFFECTIVENESS_WINDOWS[0], EFFECTIVENESS_WINDOWS[1]]);
    expect(enough.rows.status.effectiveness).toBe(windows.at(-1)!.ederington);
  });
});

describe("a book's status colour", () => {
  it("is stale when the base oracle is stale, whatever the drift", () => {
    const params = makeParams();
    expect(
      statusOf(evaluateBook(makeBook({ ethUsdStale: true, hedgeRatio: 0.5 }), params, NOW_SEC), params),
    ).toBe("stale");
  });

  it("is ok on target, watch past the re-arm band, act past the arm band", () => {
    const params = makeParams();
    const at = (hedgeRatio: number) =>
      statusOf(evaluateBook(makeBook({ hedgeRatio }), params, NOW_SEC), params);
    expect(at(1)).toBe("ok");
    expect(at(0.5)).toBe("act");
    const drift = Math.abs(evaluateBook(makeBook({ hedgeRatio: 0.99 }), params, NOW_SEC).drift.driftBps);
    expect(at(0.99)).toBe(drift >= params.armBps ? "act" : drift >= params.rearmBps ? "watch" : "ok");
  });

  it("is act when a stablecoin reaches its act tier", () => {
    const params = makeParams();
    expect(
      statusOf(evaluateBook(makeBook({ usdtUsdOracle: 0.9, usdtUsdPool: 0.9 }), params, NOW_SEC), params),
    ).toBe("act");
  });
});
