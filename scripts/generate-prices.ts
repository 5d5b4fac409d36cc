#!/usr/bin/env node
// Writes a generated price path as the CSV `hedgekeeper backtest --prices` reads. Seeded: the same arguments
// always write the same file. Models (src/backtest/price-generators.ts has the formulas and their sources):
//   gbm    geometric Brownian motion: μ (--drift) and σ (--sigma) a year
//   jump   Merton jump-diffusion: GBM plus --jumps-per-year jumps of log size N(--jump-mean, --jump-sigma²)
//   drift  a slow trend: μ a year under a small σ (default 0.05)
// Generated, not historical: a treasury backtests its own history with `hedgekeeper export-prices`.
//
//   node scripts/generate-prices.ts --model jump --days 365 --step 300 --out prices.csv
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { parseArgs } from "node:util";
import { generatePricePath, type PathModel } from "../src/backtest/price-generators.ts";
import { formatPricePathCsv } from "../src/backtest/price-path.ts";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "gbm" },
    seed: { type: "string", default: "1" },
    start: { type: "string", default: "2025-01-01T00:00:00Z" },
    days: { type: "string", default: "30" },
    step: { type: "string", default: "300" },
    price: { type: "string", default: "3000" },
    drift: { type: "string", default: "0" },
    sigma: { type: "string" },
    "jumps-per-year": { type: "string", default: "12" },
    "jump-mean": { type: "string", default: "-0.02" },
    "jump-sigma": { type: "string", default: "0.06" },
    funding: { type: "string", default: "0.0001" },
    "volume-per-day": { type: "string", default: "100000000" },
    out: { type: "string", short: "o" },
    help: { type: "boolean", short: "h", default: false },
  },
});

if (values.help || values.out === undefined) {
  process.stdout.write(
    "node scripts/generate-prices.ts --out <file.csv> [--model gbm|jump|drift] [--seed N] [--start ISO] [--days N]\n" +
      "  [--step SEC] [--price USD] [--drift μ] [--sigma σ] [--jumps-per-year λ] [--jump-mean μJ] [--jump-sigma σJ]\n" +
      "  [--funding DAILY] [--volume-per-day USD]\n",
  );
  process.exit(values.help ? 0 : 2);
}

function num(flag: string, text: string): number {
  const x = Number(text);
  if (!Number.isFinite(x)) {
    process.stderr.write(`error: --${flag} takes a number, got "${text}"\n`);
    process.exit(2);
  }
  return x;
}

const model = values.model as PathModel;
const stepSec = num("step", values.step);
const startSec = Math.floor(Date.parse(values.start) / 1000);
if (!Number.isSafeInteger(startSec)) {
  process.stderr.write(`error: --start takes an ISO 8601 time, got "${values.start}"\n`);
  process.exit(2);
}
const points = generatePricePath({
  model,
  seed: num("seed", values.seed),
  startSec,
  stepSec,
  steps: Math.floor((num("days", values.days) * 86_400) / stepSec) + 1,
  startPriceUsd: num("price", values.price),
  driftAnnual: num("drift", values.drift),
  sigmaAnnual: num("sigma", values.sigma ?? (model === "drift" ? "0.05" : "0.6")),
  jumpsPerYear: num("jumps-per-year", values["jumps-per-year"]),
  jumpMeanLog: num("jump-mean", values["jump-mean"]),
  jumpSigmaLog: num("jump-sigma", values["jump-sigma"]),
  fundingRateDaily: num("funding", values.funding),
  volumeUsdPerDay: num("volume-per-day", values["volume-per-day"]),
});
mkdirSync(dirname(values.out), { recursive: true });
writeFileSync(values.out, formatPricePathCsv(points));
process.stdout.write(`wrote ${points.length} rows (${model}, seed ${values.seed}) to ${values.out}\n`);
