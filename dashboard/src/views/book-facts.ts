// The engine's summary of a book as labelled facts with units: the band, the base oracle, σ and the residual risk,
// the LP, the perp, the hedge's effectiveness per block window and against the target per steward window, and the
// stablecoins' de-peg tiers and what the mined plans actually paid. The detail arrives validated by the API
// (src/evaluation/book-evaluation.ts); a value the engine left undefined reads "–", a window it could not measure
// says why.
import type { DriftState } from "../../../src/engine/hedge-drift.ts";
import type {
  BookDetail,
  EffectivenessMeasuresDetail,
  EffectivenessWindowDetail,
  HedgeLegDetail,
  TargetEffectivenessWindowDetail,
} from "../../../src/evaluation/book-evaluation.ts";
import { type Child, h } from "../element.ts";
import {
  assetPrice,
  baseAmount,
  bps,
  bpsMagnitude,
  bpsMeanStd,
  count,
  decimal,
  duration,
  multiple,
  percent,
  ratio,
  seconds,
  signedPercent,
  signedUsd,
  usd,
} from "../format.ts";
import { cell, stackedTable } from "./panel.ts";

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

/** Where σ came from, in words: the series and its data for a realized σ, the reason for a fallback or floor. */
function sigmaSource(sigma: BookDetail["sigma"]): string {
  const data =
    sigma.series === null
      ? ""
      : ` from the ${sigma.series} (${count(sigma.moves)} moves over ${duration(sigma.spanSec)})`;
  return `${sigma.source}${data}${sigma.reason === null ? "" : `: ${sigma.reason}`}`;
}

/** A figure the engine could not work out reads as its reason, never as a zero. */
function orReason(value: string, reason: string | null): string {
  return reason === null ? value : `– (${reason})`;
}

function riskFacts({ sigma, residualRisk: risk, basis }: BookDetail): HTMLElement {
  const horizon = risk.horizonSec % 3_600 === 0 ? `${risk.horizonSec / 3_600} h` : duration(risk.horizonSec);
  const confidence = percent(risk.confidence, 0);
  return factGroup(
    "Risk",
    "facts-risk",
    factList([
      {
        label: "σ (annual)",
        key: "sigma",
        value: percent(sigma.annual),
        title: sigma.realizedAnnual === null ? undefined : `realized ${sigma.realizedAnnual}`,
      },
      { label: "σ source", key: "sigma-source", value: sigmaSource(sigma) },
      {
        label: `Residual VaR (${confidence}, ${horizon})`,
        key: "residual-var",
        value: orReason(usd(risk.valueAtRiskUsd), risk.reason),
      },
      {
        label: `Residual ES (${confidence}, ${horizon})`,
        key: "residual-es",
        value: orReason(usd(risk.expectedShortfallUsd), risk.reason),
      },
      { label: "Basis (mark − index)", key: "basis-mark-index", value: bps(basis.markIndexBps) },
      { label: "Basis (index − pool)", key: "basis-index-pool", value: bps(basis.indexPoolBps) },
    ]),
  );
}

/** What the book's mined plans paid (slippage against each plan's quote, positive = worse), over 30 days. */
function executionFacts({ realizedExecution: r }: BookDetail): HTMLElement {
  const window = duration(r.windowSec);
  if (r.plans === 0) {
    return factGroup(
      "Execution cost",
      "facts-execution",
      h("p", { class: "empty", "data-testid": "fact-realized-none" }, `No plan mined in the last ${window}.`),
    );
  }
  return factGroup(
    `Execution cost (${count(r.plans)} plans, ${window})`,
    "facts-execution",
    factList([
      { label: "Realized slippage (last)", key: "realized-slippage-last", value: bps(r.lastSlippageBps) },
      {
        label: "Realized slippage (average)",
        key: "realized-slippage-average",
        value: bps(r.averageSlippageBps),
      },
      {
        label: "Cost per $ of risk removed",
        key: "realized-cost-per-risk",
        value: decimal(r.costPerRiskRemoved),
        title: `estimated ${decimal(r.expectedCostPerRiskRemoved)}`,
      },
      {
        label: "Estimated cost per $ of risk removed",
        key: "expected-cost-per-risk",
        value: decimal(r.expectedCostPerRiskRemoved),
      },
      {
        label: "Costs paid (gas + fees + slippage)",
        key: "realized-costs-total",
        value: usd(r.totals.costUsd),
        title: `gas ${usd(r.totals.gasUsd)}, fees ${usd(r.totals.feesUsd)}, slippage ${usd(r.totals.slippageUsd)}`,
      },
    ]),
  );
}

/** LP fee in hundredths of a bip as a percentage (500 → 0.05%). */
function lpFee(pips: number | null, dynamic: boolean): string {
  if (pips === null) return "0.30%";
  return `${(pips / 10_000).toFixed(pips % 100 === 0 ? 2 : 4)}%${dynamic ? " (dynamic, set by the hook)" : ""}`;
}

/** Each position beside the others; a hooked v4 pool is marked with its hook and what the hook may do. */
function lpPositionList(positions: BookDetail["lpPositions"]): HTMLElement {
  if (positions.length === 0) return h("p", { class: "empty" }, "No LP positions.");
  return h(
    "ul",
    { class: "lp-positions", "data-testid": "lp-positions" },
    positions.map((p) =>
      h(
        "li",
        { "data-testid": `lp-position-${p.id}`, class: p.hook === null ? undefined : "hooked" },
        `${p.id} · ${p.protocol} · ${usd(p.valueUsd)} · fee ${lpFee(p.lpFeePips, p.dynamicFee)}${p.inRange ? "" : " · out of range"}`,
        p.hook === null
          ? []
          : h(
              "span",
              { class: "hook", "data-testid": `lp-hook-${p.id}`, title: p.hook.address },
              ` · hooked (${p.hook.permissions.join(", ") || "no permissions"})`,
            ),
      ),
    ),
  );
}

function lpFacts({ lp, lpPositions }: BookDetail): HTMLElement {
  return factGroup(
    "LP",
    "facts-lp",
    factList([
      { label: "Value", key: "lp-value", value: usd(lp.valueUsd) },
      { label: "Fees earned", key: "lp-fees", value: usd(lp.feesUsd) },
      { label: "HODL value", key: "lp-hodl-value", value: usd(lp.hodlValueUsd) },
      { label: "Expected IL", key: "lp-expected-il", value: usd(lp.expectedIlUsd) },
      { label: "LVR", key: "lp-lvr", value: perYear(usd(lp.lvrUsdPerYear)) },
      {
        label: "LVR per vol point",
        key: "lp-lvr-vega",
        // d LVR / dσ per unit σ, shown per point of σ (0.01).
        value: perYear(signedUsd(lp.lvrUsdPerYearPerSigma / 100)),
      },
      {
        label: "Gamma (delta per 1%)",
        key: "lp-gamma",
        value: signedUsd(lp.gammaUsdPer1Pct),
        title: `${lp.gammaBase} base per USD`,
      },
    ]),
    lpPositionList(lpPositions),
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
        label: "Liquidation price",
        key: "perp-liquidation-price",
        value:
          perp.liquidationPriceUsd === null
            ? DASH
            : `${assetPrice(perp.liquidationPriceUsd)} (${signedPercent(perp.liquidationMovePct)})`,
      },
      {
        label: "Funding carry",
        key: "perp-funding-carry",
        value: perYear(signedUsd(perp.fundingCarryUsdPerYear)),
      },
    ]),
  );
}

const VENUE_LABELS: Record<HedgeLegDetail["venue"], string> = {
  "perp-v2": "Perp v2",
  "aave-v3-borrow": "Aave v3 borrow",
};

/** Every hedge leg through the same facts: venue, delta, health (HF or margin), liquidation, carry. */
function hedgeLegFacts({ hedgeLegs }: BookDetail): HTMLElement {
  if (hedgeLegs.length === 0)
    return factGroup("Hedge legs", "facts-hedge-legs", h("p", { class: "empty" }, "No hedge leg."));
  return factGroup(
    "Hedge legs",
    "facts-hedge-legs",
    ...hedgeLegs.map((leg) => {
      const key = (name: string) => `leg-${leg.venue}-${name}`;
      const band = leg.healthFactorBand;
      return factList([
        { label: "Venue", key: key("venue"), value: VENUE_LABELS[leg.venue] },
        {
          label: "Delta (base)",
          key: key("delta"),
          value: perpSize(leg.deltaBase),
          title: String(leg.deltaBase),
        },
        { label: "Notional", key: key("notional"), value: usd(leg.notionalUsd) },
        { label: "Collateral", key: key("collateral"), value: usd(leg.collateralUsd) },
        leg.venue === "aave-v3-borrow"
          ? {
              label: "Health factor",
              key: key("health-factor"),
              value: leg.healthFactor === null ? "∞ (no debt)" : leg.healthFactor.toFixed(3),
              ...(band && { title: `floor ${band.floor}, target ${band.target}, ceiling ${band.ceiling}` }),
            }
          : { label: "Margin ratio", key: key("margin-ratio"), value: percent(leg.marginRatio) },
        {
          label: "Liquidation price",
          key: key("liquidation-price"),
          value:
            leg.liquidationPriceUsd === null
              ? DASH
              : `${assetPrice(leg.liquidationPriceUsd)} (${bpsMagnitude(leg.liquidationDistanceBps)} away)`,
        },
        { label: "Carry", key: key("carry"), value: perYear(signedUsd(leg.carryUsdPerYear)) },
      ]);
    }),
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
  {
    label: "Ederington",
    title: "Share of the hedged item's value variance the hedge removes, against a full (100%) hedge",
  },
  { label: "Correlation", title: "ρ(Δitem, Δhedge): near −1 for a good hedge" },
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

const WINDOW_NAMES: Readonly<Record<string, string>> = {
  live: "live (240 blocks)",
  "1h": "1 hour",
  "1d": "1 day",
  "7d": "7 days",
  "30d": "30 days",
};

const TARGET_COLUMNS = [
  "Window",
  "Samples",
  "Ederington vs target",
  "Dollar offset vs target",
  "h* vs target",
  "R²",
  "Ederington raw",
  "Dollar offset raw",
  "h* raw",
  "Verdict",
] as const;

/** One measure set's three columns: Ederington, dollar offset (marked when outside 80%–125%) and h*. */
function measureCells(
  m: EffectivenessMeasuresDetail | null,
  side: "vs target" | "raw",
): HTMLTableCellElement[] {
  return [
    cell(`Ederington ${side}`, {}, percent(m?.ederington)),
    cell(
      `Dollar offset ${side}`,
      { title: m?.dollarOffsetHighlyEffective ? "within 80%–125%" : "outside 80%–125%" },
      percent(m?.dollarOffset),
    ),
    cell(`h* ${side}`, {}, multiple(m?.minVarianceMultiple)),
  ];
}

function targetWindowRow(w: TargetEffectivenessWindowDetail): HTMLTableRowElement {
  const name = cell("Window", {}, WINDOW_NAMES[w.label] ?? w.label);
  const samples = cell("Samples", {}, count(w.samples));
  if (w.reason !== null) {
    return h(
      "tr",
      { "data-testid": `target-window-${w.label}`, class: "blank" },
      name,
      samples,
      h(
        "td",
        {
          colspan: TARGET_COLUMNS.length - 2,
          class: "reason",
          "data-label": "Why blank",
          "data-testid": `target-window-reason-${w.label}`,
        },
        h("div", { class: "cell-value" }, w.reason),
      ),
    );
  }
  // With a target of 0 nothing is meant to be hedged: the verdict is the raw one.
  const judged = w.relative ?? w.raw;
  return h(
    "tr",
    { "data-testid": `target-window-${w.label}` },
    name,
    samples,
    measureCells(w.relative, "vs target"),
    cell("R²", {}, ratio(w.raw?.regressionR2)),
    measureCells(w.raw, "raw"),
    cell(
      "Verdict",
      {},
      h(
        "span",
        { class: `badge verdict-${judged?.effective ? "effective" : "ineffective"}` },
        judged?.effective ? "effective" : "not effective",
      ),
    ),
  );
}

function targetEffectivenessFacts({ targetEffectiveness: windows }: BookDetail): HTMLElement {
  const target = windows[0]?.targetHedgeRatio;
  return factGroup(
    `Effectiveness against the ${ratio(target)} target`,
    "facts-target-effectiveness",
    stackedTable(TARGET_COLUMNS, windows.map(targetWindowRow), {
      testId: "target-effectiveness-table",
      empty: "No steward windows in this detail.",
    }),
  );
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
      riskFacts(facts),
      lpFacts(facts),
      perpFacts(facts),
      hedgeLegFacts(facts),
      depegFacts(facts),
      executionFacts(facts),
    ),
    targetEffectivenessFacts(facts),
    effectivenessFacts(facts),
  );
}
