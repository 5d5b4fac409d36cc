// A price path for the backtester: one row per step, as a treasury exports it from its history store
// (`hedgekeeper export-prices`) or as the generator writes it (scripts/generate-prices.ts). Columns:
//   timestamp            unix seconds, strictly increasing
//   base_price_usd       the base asset's USD price (the base oracle's answer at that step)
//   funding_rate_daily   optional: perp funding per day, fraction of notional, > 0 = longs pay shorts
//   borrow_rate_annual   optional: the lending short's variable borrow APR, fraction
//   pool_volume_usd      optional: the book's main pool's traded volume during the step, USD
//   perp_liquidity       optional: the perp market pool's in-range liquidity (pool.liquidity() / 1e18), what a
//                        perp trade's price impact is computed from (perp-trade-cost.ts)
// An empty optional cell means "unknown at this step": the book's own figure is kept.
import { fail } from "../engine/input-guards.ts";

export interface PricePoint {
  timestampSec: number;
  basePriceUsd: number;
  fundingRateDaily?: number;
  borrowRateAnnual?: number;
  poolVolumeUsd?: number;
  /** The perp market pool's in-range liquidity, whole units (pool.liquidity() / 1e18). */
  perpLiquidity?: number;
}

export const PRICE_PATH_COLUMNS = [
  "timestamp",
  "base_price_usd",
  "funding_rate_daily",
  "borrow_rate_annual",
  "pool_volume_usd",
  "perp_liquidity",
] as const;

type Column = (typeof PRICE_PATH_COLUMNS)[number];
const REQUIRED: readonly Column[] = ["timestamp", "base_price_usd"];

/** Reads the CSV; every error names the line (1-based, header = line 1) and the column. */
export function parsePricePathCsv(text: string): PricePoint[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((h) => h.trim());
  const index = new Map<Column, number>();
  header.forEach((name, i) => {
    if (!(PRICE_PATH_COLUMNS as readonly string[]).includes(name))
      fail(`line 1, column ${i + 1}`, `unknown column "${name}" (expected ${PRICE_PATH_COLUMNS.join(", ")})`);
    if (index.has(name as Column)) fail(`line 1, column ${i + 1}`, `duplicate column "${name}"`);
    index.set(name as Column, i);
  });
  for (const column of REQUIRED)
    if (!index.has(column)) fail("line 1", `missing required column "${column}"`);
  const points: PricePoint[] = [];
  for (let l = 1; l < lines.length; l++) {
    const line = lines[l]!;
    if (line.trim() === "") continue;
    const cells = line.split(",");
    const where = (column: Column) => `line ${l + 1}, column ${column}`;
    if (cells.length !== header.length)
      fail(`line ${l + 1}`, `has ${cells.length} cells, the header ${header.length}`, line);
    const cell = (column: Column): string | undefined => {
      const i = index.get(column);
      const raw = i === undefined ? "" : cells[i]!.trim();
      return raw === "" ? undefined : raw;
    };
    const number = (column: Column, check: (x: number) => boolean, rule: string): number | undefined => {
      const raw = cell(column);
      if (raw === undefined) {
        if (REQUIRED.includes(column)) fail(where(column), "is required");
        return undefined;
      }
      const x = Number(raw);
      if (!Number.isFinite(x) || !check(x)) fail(where(column), rule, raw);
      return x;
    };
    const timestampSec = number("timestamp", Number.isSafeInteger, "must be an integer (unix seconds)")!;
    const previous = points[points.length - 1];
    if (previous !== undefined && timestampSec <= previous.timestampSec)
      fail(where("timestamp"), `must be after the previous row's ${previous.timestampSec}`, timestampSec);
    const point: PricePoint = {
      timestampSec,
      basePriceUsd: number("base_price_usd", (x) => x > 0, "must be a number > 0")!,
    };
    // Funding and borrow rates may be negative (shorts paying longs; incentivised borrowing); bounded so a unit
    // mistake (percent for fraction) is caught: no real market pays 100% a day or 1000% a year.
    const funding = number(
      "funding_rate_daily",
      (x) => Math.abs(x) < 1,
      "must be a daily fraction in (-1, 1)",
    );
    const borrow = number(
      "borrow_rate_annual",
      (x) => Math.abs(x) < 10,
      "must be an annual fraction in (-10, 10)",
    );
    const volume = number("pool_volume_usd", (x) => x >= 0, "must be a number >= 0");
    if (funding !== undefined) point.fundingRateDaily = funding;
    if (borrow !== undefined) point.borrowRateAnnual = borrow;
    const perpLiquidity = number("perp_liquidity", (x) => x >= 0, "must be a number >= 0");
    if (volume !== undefined) point.poolVolumeUsd = volume;
    if (perpLiquidity !== undefined) point.perpLiquidity = perpLiquidity;
    points.push(point);
  }
  if (points.length < 2) fail("rows", "a price path needs at least 2 rows", points.length);
  return points;
}

/** Writes the CSV `parsePricePathCsv` reads (every column, empty cells for unknowns). */
export function formatPricePathCsv(points: readonly PricePoint[]): string {
  const rows = points.map((p) =>
    [
      p.timestampSec,
      p.basePriceUsd,
      p.fundingRateDaily ?? "",
      p.borrowRateAnnual ?? "",
      p.poolVolumeUsd ?? "",
      p.perpLiquidity ?? "",
    ].join(","),
  );
  return `${PRICE_PATH_COLUMNS.join(",")}\n${rows.join("\n")}\n`;
}
