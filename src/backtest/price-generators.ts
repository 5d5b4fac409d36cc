// Generated price paths for backtests and benchmarks: seeded, so the same arguments always give the same path.
// Never presented as history: a treasury backtests its own history through `hedgekeeper export-prices`.
//   gbm    geometric Brownian motion, S(t+dt) = S(t)·exp((μ − σ²/2)dt + σ√dt·Z) (Black & Scholes 1973)
//   jump   Merton jump-diffusion (Merton 1976, J. Financial Economics 3): GBM plus Poisson jumps of log size
//          N(μJ, σJ²) at intensity λ a year, the drift compensated by λ·k, k = exp(μJ + σJ²/2) − 1, so the
//          expected return stays μ
//   drift  slow drift: a steady trend (μ a year) under a small σ, the path the quiet-drift scenario models
// Pool volume per step is volumeUsdPerDay spread over the day, larger on larger moves (traders follow
// volatility): the day's volume × (1 + |Z|) / (1 + √(2/π)), whose expectation is the day's share.
import { fail } from "../engine/input-guards.ts";
import type { PricePoint } from "./price-path.ts";

export type PathModel = "gbm" | "jump" | "drift";

export interface PathSpec {
  model: PathModel;
  seed: number;
  startSec: number;
  stepSec: number;
  steps: number;
  startPriceUsd: number;
  /** Annual drift μ and volatility σ of log returns. */
  driftAnnual: number;
  sigmaAnnual: number;
  /** Jump model: jumps a year, mean and standard deviation of the log jump. */
  jumpsPerYear?: number;
  jumpMeanLog?: number;
  jumpSigmaLog?: number;
  fundingRateDaily?: number;
  volumeUsdPerDay?: number;
}

const SECONDS_PER_YEAR = 365 * 86_400;
const MEAN_ONE_PLUS_ABS_Z = 1 + Math.sqrt(2 / Math.PI);

/**
 * Uniforms in (0, 1) from a 32-bit xorshift generator (Marsaglia 2003, J. Statistical Software 8(14), the
 * 13/17/5 triple), seeded through a multiplicative hash so nearby seeds give unrelated streams.
 */
export function seededUniform(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) fail("seed", "must be an integer", seed);
  let x = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) >>> 0 || 0x6d2b79f5;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return (x + 0.5) / 4_294_967_296;
  };
}

/** Standard normals by Box–Muller (Box & Muller 1958), one pair per two uniforms. */
function normals(uniform: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
}

function assertSpec(spec: PathSpec): void {
  if (!["gbm", "jump", "drift"].includes(spec.model)) fail("model", "must be gbm, jump or drift", spec.model);
  if (!Number.isSafeInteger(spec.startSec)) fail("startSec", "must be an integer", spec.startSec);
  if (!(Number.isSafeInteger(spec.stepSec) && spec.stepSec > 0))
    fail("stepSec", "must be an integer > 0", spec.stepSec);
  if (!(Number.isSafeInteger(spec.steps) && spec.steps >= 2))
    fail("steps", "must be an integer >= 2", spec.steps);
  if (!(spec.startPriceUsd > 0)) fail("startPriceUsd", "must be > 0", spec.startPriceUsd);
  if (!Number.isFinite(spec.driftAnnual)) fail("driftAnnual", "must be finite", spec.driftAnnual);
  if (!(spec.sigmaAnnual >= 0)) fail("sigmaAnnual", "must be >= 0", spec.sigmaAnnual);
  if (spec.model === "jump" && !((spec.jumpsPerYear ?? 0) >= 0 && (spec.jumpSigmaLog ?? 0) >= 0))
    fail("jumpsPerYear", "jump intensity and σ must be >= 0", spec.jumpsPerYear);
  if (spec.volumeUsdPerDay !== undefined && !(spec.volumeUsdPerDay >= 0))
    fail("volumeUsdPerDay", "must be >= 0", spec.volumeUsdPerDay);
}

export function generatePricePath(spec: PathSpec): PricePoint[] {
  assertSpec(spec);
  const uniform = seededUniform(spec.seed);
  const z = normals(uniform);
  const dt = spec.stepSec / SECONDS_PER_YEAR;
  const sigma = spec.sigmaAnnual;
  const lambda = spec.model === "jump" ? (spec.jumpsPerYear ?? 0) : 0;
  const muJ = spec.jumpMeanLog ?? 0;
  const sigmaJ = spec.jumpSigmaLog ?? 0;
  const compensation = lambda * (Math.exp(muJ + (sigmaJ * sigmaJ) / 2) - 1);
  const driftPerStep = (spec.driftAnnual - compensation - (sigma * sigma) / 2) * dt;
  const volumePerStep = ((spec.volumeUsdPerDay ?? 0) * spec.stepSec) / 86_400;
  const points: PricePoint[] = [];
  let logPrice = Math.log(spec.startPriceUsd);
  for (let i = 0; i < spec.steps; i++) {
    let shock = 0;
    if (i > 0) {
      shock = z();
      logPrice += driftPerStep + sigma * Math.sqrt(dt) * shock;
      // Poisson arrivals in the step by inversion (λdt is small: at most a few jumps).
      if (lambda > 0) {
        const u = uniform();
        let p = Math.exp(-lambda * dt);
        let cumulative = p;
        let k = 0;
        while (u > cumulative && k < 10) {
          k++;
          p *= (lambda * dt) / k;
          cumulative += p;
        }
        for (let j = 0; j < k; j++) logPrice += muJ + sigmaJ * z();
      }
    }
    const point: PricePoint = {
      timestampSec: spec.startSec + i * spec.stepSec,
      basePriceUsd: i === 0 ? spec.startPriceUsd : Math.exp(logPrice),
    };
    if (spec.fundingRateDaily !== undefined) point.fundingRateDaily = spec.fundingRateDaily;
    if (spec.volumeUsdPerDay !== undefined)
      point.poolVolumeUsd = (volumePerStep * (1 + Math.abs(shock))) / MEAN_ONE_PLUS_ABS_Z;
    points.push(point);
  }
  return points;
}
