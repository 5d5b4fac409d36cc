// A book's stress table: each shock's LP, hedge and net P&L; the net in bps of book value, losses in red. The book
// page adds the spot leg and the hedge's own failure: the venue's margin ratio after the shock, and whether the
// shock liquidates the hedge (how much of it, and the loss that locks in). A book with an Aave leg gets that leg's
// columns in both: its value change under the shock, its health factor after, flagged when under 1 (liquidatable).
import type { BookStress } from "../../../src/api/api-types.ts";
import type { StressRow } from "../../../src/evaluation/book-evaluation.ts";
import { h } from "../element.ts";
import { assetPrice, bps, percent, ratio, signedUsd, usd } from "../format.ts";
import { cell, stackedTable } from "./panel.ts";

/** A loss that rounds to $0.00 (a closed perp's residue) is not drawn as one. */
const lossClass = (netPnlUsd: number) => (netPnlUsd <= -0.005 ? "loss" : "");

type AaveStress = NonNullable<StressRow["aave"]>;

const AAVE_HEADERS = ["Aave leg", "Health factor after"] as const;

/** The Aave leg's cells for a row (blank where the row has no Aave figures); `id` prefixes their test ids. */
function aaveCells(aave: AaveStress | undefined, id: string): HTMLElement[] {
  return [
    cell(
      "Aave leg",
      { "data-testid": `${id}-value` },
      aave === undefined ? "—" : signedUsd(aave.valueChangeUsd),
    ),
    cell("Health factor after", { "data-testid": `${id}-hf` }, healthFactorAfter(aave)),
  ];
}

function healthFactorAfter(aave: AaveStress | undefined): HTMLElement | string {
  if (aave === undefined) return "—";
  if (aave.healthFactorAfter === null) return "no debt";
  const value = ratio(aave.healthFactorAfter);
  if (!aave.liquidated) return value;
  return h("span", {}, `${value} `, h("span", { class: "badge liquidated" }, "under 1"));
}

export function stressTable(bookId: string, rows: BookStress["rows"]): HTMLElement {
  const withAave = rows.some((row) => row.aave !== undefined);
  return stackedTable(
    ["Shock", "LP P&L", "Hedge P&L", "Net P&L", "Net", ...(withAave ? AAVE_HEADERS : [])],
    rows.map((row, i) =>
      h(
        "tr",
        { class: lossClass(row.netPnlUsd) },
        cell("Shock", {}, row.shock),
        cell("LP P&L", {}, signedUsd(row.lpPnlUsd)),
        cell("Hedge P&L", {}, signedUsd(row.hedgePnlUsd)),
        cell("Net P&L", {}, h("strong", {}, signedUsd(row.netPnlUsd))),
        cell("Net", {}, bps(row.netPnlBps)),
        ...(withAave ? aaveCells(row.aave, `stress-${bookId}-aave-${i}`) : []),
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
  const withAave = rows.some((row) => row.aave !== undefined);
  return stackedTable(
    [
      "Shock",
      "LP P&L",
      "Hedge P&L",
      "Spot P&L",
      "Net P&L",
      "Net",
      "Margin after",
      "Liquidation",
      ...(withAave ? AAVE_HEADERS : []),
    ],
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
        ...(withAave ? aaveCells(row.aave, `stress-aave-${i}`) : []),
      ),
    ),
    { testId: `stress-${bookId}`, empty: "No stress results for this book yet." },
  );
}
