// De-peg: each stablecoin's latest reading, the median price and deviation, its tier, and every source behind it.
import type { DepegRow, Wire } from "../../../src/api/api-types.ts";
import { h } from "../element.ts";
import { ago, bps, price, usd } from "../format.ts";

function sourceRow(source: Wire<DepegRow>["sources"][number]): HTMLElement {
  return h(
    "li",
    { class: source.usable ? "" : "unusable" },
    h("span", { class: "source" }, `${source.kind}:${source.ref}`),
    h("span", {}, price(source.priceUsd)),
    h("span", {}, bps(source.deviationBps)),
    source.usable ? null : h("em", {}, "unused"),
  );
}

export function depegCards(rows: readonly Wire<DepegRow>[], nowSec = Date.now() / 1000): HTMLElement {
  if (rows.length === 0) return h("p", { class: "empty" }, "No stablecoin readings yet.");
  return h(
    "div",
    { class: "cards" },
    rows.map((row) =>
      h(
        "article",
        { class: `card card-edge-${row.tier}`, "data-testid": `depeg-${row.symbol}` },
        h(
          "header",
          {},
          h("strong", {}, row.symbol),
          h("span", { class: `badge tier-${row.tier}` }, row.tier),
        ),
        h(
          "p",
          { class: "headline" },
          h("span", { "data-testid": `depeg-price-${row.symbol}` }, price(row.priceUsd)),
          h("span", { "data-testid": `depeg-deviation-${row.symbol}` }, bps(row.deviationBps)),
        ),
        row.tierNote ? h("p", { class: "note" }, row.tierNote) : null,
        h(
          "p",
          { class: "meta" },
          `exposure ${usd(row.exposureUsd)} · ${row.bookId} · ${ago(row.timestampSec, nowSec)}`,
        ),
        h("ul", { class: "sources" }, row.sources.map(sourceRow)),
      ),
    ),
  );
}
