// A book's stress table: each shock's LP, hedge and net P&L; the net in bps of book value, losses in red.
import type { BookStress } from "../../../src/api/api-types.ts";
import { h } from "../element.ts";
import { bps, signedUsd } from "../format.ts";
import { cell, stackedTable } from "./panel.ts";

export function stressTable(bookId: string, rows: BookStress["rows"]): HTMLElement {
  return stackedTable(
    ["Shock", "LP P&L", "Hedge P&L", "Net P&L", "Net"],
    rows.map((row) =>
      h(
        "tr",
        // A loss that rounds to $0.00 (a closed perp's residue) is not drawn as one.
        { class: row.netPnlUsd <= -0.005 ? "loss" : "" },
        cell("Shock", {}, row.shock),
        cell("LP P&L", {}, signedUsd(row.lpPnlUsd)),
        cell("Hedge P&L", {}, signedUsd(row.hedgePnlUsd)),
        cell("Net P&L", {}, h("strong", {}, signedUsd(row.netPnlUsd))),
        cell("Net", {}, bps(row.netPnlBps)),
      ),
    ),
    { testId: `stress-${bookId}`, empty: "No stress results for this book yet." },
  );
}
