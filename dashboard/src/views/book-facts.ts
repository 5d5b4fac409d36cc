// The engine's summary of a book as labelled facts with units: the band, the base oracle, the LP, the perp, the
// hedge's effectiveness per window, and the stablecoins' de-peg tiers. The detail arrives validated by the API
// (src/evaluation/book-evaluation.ts); a value the engine left undefined reads "–".
import type { DriftState } from "../../../src/engine/hedge-drift.ts";
import type { BookDetail, EffectivenessWindowDetail } from "../../../src/evaluation/book-evaluation.ts";
import { type Child, h } from "../element.ts";
import {
  assetPrice,
  baseAmount,
  bps,
  bpsMagnitude,
  bpsMeanStd,
  count,
  decimal,
  multiple,
  percent,
  ratio,
  seconds,
  signedUsd,
  usd,
} from "../format.ts";

/** The shortest window the keeper computes (keeper/evaluation-history.ts, EFFECTIVENESS_WINDOWS). */
const FIRST_EFFECTIVENESS_WINDOW_BLOCKS = 20;

const DASH = "–";

const DRIFT_STATES: Record<DriftState, string> = {
  over: "over-hedged",
  under: "under-hedged",
  "on-target": "on target",
};

interface Fact {
  label: string;
  /** `fact-<key>` is the value's test id. */
  key: string;
  value: Child;
  /** The exact value behind a rounded one, shown on hover. */
  title?: string;
}

function factList(facts: readonly Fact[]): HTMLElement {
  return h(
    "dl",
    { class: "facts" },
    facts.map((fact) => [
      h("dt", {}, fact.label),
      h("dd", { "data-testid": `fact-${fact.key}`, title: fact.title }, fact.value),
    ]),
  );
}

function factGroup(title: string, testId: string, ...body: Child[]): HTMLElement {
  return h("section", { class: "fact-group", "data-testid": testId }, h("h3", {}, title), ...body);
}

function band(edgeBps: number): string {
  return `±${bpsMagnitude(edgeBps)}`;
}

function perYear(usdValue: string): string {
  return usdValue === DASH ? DASH : `${usdValue}/yr`;
}

function bandFacts(detail: BookDetail): HTMLElement {
  return factGroup(
    "Band",
    "facts-band",
    factList([
      { label: "Drift state", key: "drift-state", value: DRIFT_STATES[detail.driftState] },
      { label: "Arm band", key: "arm-band", value: band(detail.armBps) },
      { label: "Re-arm band", key: "rearm-band", value: band(detail.rearmBps) },
      { label: "Net delta", key: "net-delta", value: signedUsd(detail.netDeltaUsd) },
    ]),
  );
}

function oracleFacts({ oracle, basePriceUsd }: BookDetail): HTMLElement {
  const status = h(
    "span",
    { class: `badge oracle-${oracle.fresh ? "fresh" : "stale"}` },
    oracle.fresh ? "fresh" : "STALE",
  );
  return factGroup(
    "Oracle",
    "facts-oracle",
    factList([
      { label: "Status", key: "oracle-status", value: status },
      { label: "Age", key: "oracle-age", value: seconds(oracle.ageSec) },
      { label: "Base price", key: "base-price", value: assetPrice(basePriceUsd) },
      { label: "Problem", key: "oracle-problem", value: oracle.problem ?? DASH },
    ]),
  );
}

function lpFacts({ lp }: BookDetail): HTMLElement {
  return factGroup(
    "LP",
    "facts-lp",
    factList([
      { label: "Value", key: "lp-value", value: usd(lp.valueUsd) },
      { label: "Fees earned", key: "lp-fees", value: usd(lp.feesUsd) },
      { label: "HODL value", key: "lp-hodl-value", value: usd(lp.hodlValueUsd) },
      { label: "Expected IL", key: "lp-expected-il", value: usd(lp.expectedIlUsd) },
      { label: "LVR", key: "lp-lvr", value: perYear(usd(lp.lvrUsdPerYear)) },
    ]),
  );
}

function perpSize(sizeBase: number): string {
  const size = baseAmount(sizeBase);
  if (size === "dust" || sizeBase === 0) return size;
  return `${size} (${sizeBase < 0 ? "short" : "long"})`;
}

function perpFacts({ perp }: BookDetail): HTMLElement {
  if (perp === null) {
    return factGroup("Perp", "facts-perp", h("p", { class: "empty" }, "No perp position."));
  }
  return factGroup(
    "Perp",
    "facts-perp",
    factList([
      { label: "Venue", key: "perp-venue", value: perp.venue },
      {
        label: "Size (base)",
        key: "perp-size",
        value: perpSize(perp.sizeBase),
        title: String(perp.sizeBase),
      },
      { label: "Notional", key: "perp-notional", value: usd(perp.notionalUsd) },
      { label: "Mark price", key: "perp-mark", value: assetPrice(perp.markPrice) },
      { label: "Index price", key: "perp-index", value: assetPrice(perp.indexPrice) },
      { label: "Margin ratio", key: "perp-margin-ratio", value: percent(perp.marginRatio) },
      { label: "Leverage", key: "perp-leverage", value: multiple(perp.leverage) },
      {
        label: "Liquidation distance",
        key: "perp-liquidation-distance",
        value: bpsMagnitude(perp.liquidationDistanceBps),
      },
      {
        label: "Funding carry",
        key: "perp-funding-carry",
        value: perYear(signedUsd(perp.fundingCarryUsdPerYear)),
      },
    ]),
  );
}

function depegFacts({ depeg }: BookDetail): HTMLElement {
  return factGroup(
    "De-peg",
    "facts-depeg",
    depeg.length === 0
      ? h("p", { class: "empty" }, "No stablecoin readings.")
      : h(
          "ul",
          { class: "depeg-tiers" },
          depeg.map((d) =>
            h(
              "li",
              { "data-testid": `detail-depeg-${d.symbol}` },
              h("strong", {}, d.symbol),
              h("span", { class: `badge tier-${d.tier}` }, d.tier),
              h("span", { class: "meta" }, bps(d.deviationBps)),
            ),
          ),
        ),
  );
}

function blockSpan(window: EffectivenessWindowDetail): string {
  return `#${count(window.fromBlock)}–#${count(window.toBlock)}`;
}

const EFFECTIVENESS_COLUMNS: readonly { label: string; title: string }[] = [
  { label: "Window", title: "Samples (one per block) the window holds" },
  { label: "Blocks", title: "First and last block of the window" },
  { label: "Ederington", title: "Share of the LP's value variance the hedge removes" },
  { label: "Correlation", title: "ρ(ΔLP, Δhedge): near −1 for a good hedge" },
  {
    label: "Min-var multiple",
    title: "Hedge size that would minimise variance, as a multiple of the current one",
  },
  { label: "Basis (mark − index)", title: "Mean ± standard deviation over the window" },
  {
    label: "Funding carry",
    title: "Funding earned per year at the window's rate and size (negative = paid)",
  },
  { label: "Cost per $ risk removed", title: "Funding paid per dollar of annual risk removed" },
];

function effectivenessRow(window: EffectivenessWindowDetail): HTMLTableRowElement {
  return h(
    "tr",
    { "data-testid": `effectiveness-window-${window.samples}` },
    h("td", {}, `${count(window.samples)} blocks`),
    h("td", {}, blockSpan(window)),
    h("td", {}, percent(window.ederington)),
    h("td", {}, ratio(window.correlation)),
    h("td", {}, multiple(window.minVarianceHedgeMultiple)),
    h("td", {}, bpsMeanStd(window.basisMarkIndexBps.mean, window.basisMarkIndexBps.std)),
    h("td", {}, perYear(signedUsd(window.fundingCarryUsdPerYear))),
    h("td", {}, decimal(window.costPerUnitRiskRemoved)),
  );
}

function effectivenessFacts({ effectiveness }: BookDetail): HTMLElement {
  const body =
    effectiveness.length === 0
      ? h(
          "p",
          { class: "empty", "data-testid": "effectiveness-empty" },
          // The keeper leaves out a window the engine refuses (a hedge or LP that did not move), so an empty
          // list is short history or a still series: say what a window takes.
          `Needs ${FIRST_EFFECTIVENESS_WINDOW_BLOCKS} blocks of history in which the LP and the hedge both moved.`,
        )
      : h(
          // Its own scroll box: on a phone the table scrolls sideways, the page does not.
          "div",
          {
            class: "table-scroll",
            tabindex: 0,
            role: "region",
            "aria-label": "Hedge effectiveness by window",
          },
          h(
            "table",
            { class: "plain", "data-testid": "effectiveness-table" },
            h(
              "thead",
              {},
              h(
                "tr",
                {},
                EFFECTIVENESS_COLUMNS.map((c) => h("th", { scope: "col", title: c.title }, c.label)),
              ),
            ),
            h("tbody", {}, effectiveness.map(effectivenessRow)),
          ),
        );
  return factGroup("Hedge effectiveness", "facts-effectiveness", body);
}

/** The engine's summary beyond the status block; null when the API could not read the stored detail. */
export function detailFacts(facts: BookDetail | null): HTMLElement {
  if (facts === null) {
    return h(
      "p",
      { class: "empty", "data-testid": "book-detail-facts" },
      "The keeper's summary of this book could not be read (another keeper version wrote it).",
    );
  }
  return h(
    "div",
    { class: "detail-facts", "data-testid": "book-detail-facts" },
    facts.stressProblem === null
      ? null
      : h(
          "p",
          { class: "warning", role: "status", "data-testid": "stress-problem" },
          `Stress table not computed: ${facts.stressProblem}`,
        ),
    h(
      "div",
      { class: "fact-groups" },
      bandFacts(facts),
      oracleFacts(facts),
      lpFacts(facts),
      perpFacts(facts),
      depegFacts(facts),
    ),
    effectivenessFacts(facts),
  );
}
