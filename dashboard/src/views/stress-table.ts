// A book's stress table: each shock's LP, hedge and net P&L; the net in bps of book value, losses in red. The book
// page adds the spot leg and the hedge's own failure: the venue's margin ratio after the shock, and whether the
// shock liquidates the hedge (how much of it, and the loss that locks in).
import type { BookStress } from "../../../src/api/api-types.ts";
import type { StressRow } from "../../../src/evaluation/book-evaluation.ts";
import { h } from "../element.ts";
import { assetPrice, bps, percent, signedUsd, usd } from "../format.ts";
import { cell, stackedTable } from "./panel.ts";

/** A loss that rounds to $0.00 (a closed perp's residue) is not drawn as one. */
const lossClass = (netPnlUsd: number) => (netPnlUsd <= -0.005 ? "loss" : "");

export function stressTable(bookId: string, rows: BookStress["rows"]): HTMLElement {
  return stackedTable(
    ["Shock", "LP P&L", "Hedge P&L", "Net P&L", "Net"],
    rows.map((row) =>
      h(
        "tr",
        { class: lossClass(row.netPnlUsd) },
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

function liquidation(row: StressRow): HTMLElement | string {
  if (!row.liquidated) return "no";
  return h(
    "span",
    {},
    h("span", { class: "badge liquidated" }, "liquidated"),
    ` ${percent(row.liquidatedFraction, 0)} at ${assetPrice(row.liquidationPriceUsd)}, locks in ${usd(row.liquidationLossUsd)}`,
  );
}

/** The book page's table, from the book's detail: every leg, the margin ratio after the shock, the liquidation. */
export function bookStressTable(bookId: string, rows: readonly StressRow[]): HTMLElement {
  return stackedTable(
    ["Shock", "LP P&L", "Hedge P&L", "Spot P&L", "Net P&L", "Net", "Margin after", "Liquidation"],
    rows.map((row, i) =>
      h(
        "tr",
        { class: lossClass(row.netPnlUsd), "data-testid": `stress-row-${i}` },
        cell("Shock", {}, row.shock),
        cell("LP P&L", {}, signedUsd(row.lpPnlUsd)),
        cell("Hedge P&L", {}, signedUsd(row.hedgePnlUsd)),
        cell("Spot P&L", {}, signedUsd(row.spotPnlUsd)),
        cell("Net P&L", {}, h("strong", {}, signedUsd(row.netPnlUsd))),
        cell("Net", {}, bps(row.netPnlBps)),
        cell("Margin after", { "data-testid": `stress-margin-${i}` }, percent(row.marginRatioAfter)),
        cell("Liquidation", { "data-testid": `stress-liquidation-${i}` }, liquidation(row)),
      ),
    ),
    { testId: `stress-${bookId}`, empty: "No stress results for this book yet." },
  );
}
