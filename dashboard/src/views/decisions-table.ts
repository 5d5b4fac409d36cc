// The engine's decisions for a book, noop included: why the keeper did or did not act at each block.
import type { DecisionsResponse } from "../../../src/api/api-types.ts";
import { h } from "../element.ts";
import { bps, clockTime, count, shortHex } from "../format.ts";
import { cell, stackedTable } from "./panel.ts";

export function decisionsTable(decisions: DecisionsResponse["decisions"]): HTMLElement {
  return stackedTable(
    ["When", "Block", "Decision", "Drift", "Reason", "Plan"],
    decisions.map((d) =>
      h(
        "tr",
        {},
        cell("When", {}, clockTime(d.atMs / 1000)),
        cell("Block", {}, `#${count(d.blockNumber)}`),
        cell("Decision", {}, h("span", { class: `badge decision-${d.kind}` }, d.kind)),
        cell("Drift", {}, bps(d.driftBps)),
        cell("Reason", { class: "reason" }, d.reason),
        cell("Plan", { title: d.planId ?? "" }, h("code", {}, shortHex(d.planId))),
      ),
    ),
    { testId: "decisions-table", empty: "No decisions recorded for this book yet." },
  );
}
