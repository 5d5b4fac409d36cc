// The demo's report: what stewards read after each scenario, and the JSON `--report` writes.

export interface DemoAction {
  planId: string;
  lane: string;
  reason: string;
  txHash: string | null;
  status: "mined" | "reverted" | "pending" | "shadowed" | "proposed" | "failed";
  gasUsed: string | null;
}

export interface DemoBook {
  id: string;
  driftBpsBefore: number;
  /** The largest drift (by size, with its sign) the keeper measured during the scenario. */
  driftBpsPeak: number;
  driftBpsAfter: number;
  thresholdBps: number;
}

export interface DemoScenario {
  name: string;
  /** What the scenario expects of the keeper, checked for `ok`. */
  expectation: string;
  ok: boolean;
  books: DemoBook[];
  actions: DemoAction[];
  hedgeEffectiveness: {
    samples: number;
    ederington: number | null;
    correlation: number | null;
    note?: string;
  };
  /** Rounds each feed posted during the scenario's market paths, by what made it post (Chainlink's rule). */
  oracleRounds?: Record<string, { deviation: number; heartbeat: number }>;
  problems: string[];
}

export interface DemoReport {
  ok: boolean;
  bootstrapMs: number;
  totalMs: number;
  scenarios: DemoScenario[];
}

const pad = (text: string, width: number) => text.padEnd(width);
const fmt = (n: number | null, digits = 1) => (n === null || !Number.isFinite(n) ? "n/a" : n.toFixed(digits));

/** A plain-text rendering for the terminal. */
export function renderScenario(scenario: DemoScenario): string {
  const lines: string[] = [];
  lines.push(`\n${scenario.ok ? "✔" : "✘"} ${scenario.name} — ${scenario.expectation}`);
  for (const book of scenario.books) {
    lines.push(
      `  book ${book.id}: drift ${fmt(book.driftBpsBefore)} bps → peak ${fmt(book.driftBpsPeak)} → ${fmt(book.driftBpsAfter)} bps (act beyond ±${book.thresholdBps} bps)`,
    );
  }
  if (scenario.actions.length === 0) lines.push("  actions: none");
  for (const action of scenario.actions) {
    lines.push(
      `  ${pad(action.lane, 7)} ${action.planId.slice(0, 10)}… ${pad(action.status, 8)} tx ${action.txHash ?? "—"} gas ${action.gasUsed ?? "—"}`,
    );
    lines.push(`          ${action.reason}`);
  }
  const e = scenario.hedgeEffectiveness;
  lines.push(
    `  hedge effectiveness over ${e.samples} blocks: Ederington ${fmt(e.ederington, 3)}, correlation ${fmt(e.correlation, 3)}${e.note ? ` (${e.note})` : ""}`,
  );
  const rounds = Object.entries(scenario.oracleRounds ?? {});
  if (rounds.length > 0)
    lines.push(
      `  feed rounds (deviation / heartbeat): ${rounds.map(([feed, n]) => `${feed} ${n.deviation} / ${n.heartbeat}`).join(", ")}`,
    );
  for (const problem of scenario.problems) lines.push(`  problem: ${problem}`);
  return lines.join("\n");
}
