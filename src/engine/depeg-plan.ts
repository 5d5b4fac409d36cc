// The urgent lane: a stablecoin at its de-peg act tier is swapped out of, into the healthiest configured stable,
// through a configured v3 pool; a v4 stable-pair position holding it is withdrawn first (depeg-v4-withdrawal.ts). May skip cooldown and hysteresis, never caps or the cost test. The swap's
// minimum out comes from the Chainlink answers (oracle-bounds.ts); a pool's quote (swap-math.ts) may only tighten
// it, and a pool paying less than the feeds' minimum sizes the swap down, or is not used at all.
import type { BookMetrics } from "./book-metrics.ts";
import type { DepegReport } from "./depeg.ts";
import { type DepegV4Withdrawal, depegV4Withdrawals } from "./depeg-v4-withdrawal.ts";
import { fromFloat, toFloat } from "./input-guards.ts";
import { oracleSwapMinOut } from "./oracle-bounds.ts";
import type { BookParams, StablecoinParams } from "./params.ts";
import type {
  Decision,
  NoopCode,
  Plan,
  PlanAction,
  PlanPostState,
  PlanPremise,
  SwapExactInputSingleAction,
  SwapTradeQuote,
} from "./plan.ts";
import { bpsOf, gasUsd, noop, oraclePremise, planCost, spotBalance } from "./plan-assembly.ts";
import { planId } from "./plan-id.ts";
import { poolIdOf } from "./pool-identity.ts";
import type { BookSnapshot, OracleReading, V3PoolSnapshot } from "./snapshot.ts";
import { largestSwapPaying, quoteSwap } from "./swap-math.ts";

/** One de-peg swap worth making: the action and what it costs and saves. */
interface DepegSwap {
  action: SwapExactInputSingleAction;
  /** What the pool pays at spot after its fee; the action's index is set when the plan is assembled. */
  quote: Omit<SwapTradeQuote, "actionIndex">;
  amountInUsd: number;
  feesUsd: number;
  slippageUsd: number;
  riskReductionUsd: number;
  stable: StablecoinParams;
  report: DepegReport;
}

/** A configured stable's own feed reading, when its de-peg report found it fresh; null otherwise. */
function freshStableFeed(
  book: BookSnapshot,
  stable: StablecoinParams | undefined,
  report: DepegReport,
): OracleReading | null {
  const feed = stable?.feed?.toLowerCase();
  if (feed === undefined) return null;
  const usable = report.sources.some((s) => s.kind === "chainlink" && s.usable);
  return (usable && book.oracles.find((o) => o.feed.toLowerCase() === feed)) || null;
}

/** Swaps worth making, and why others were not planned (no oracle to bound one, or its pool off the oracle). */
function depegSwaps(
  book: BookSnapshot,
  params: BookParams,
  m: BookMetrics,
): { swaps: DepegSwap[]; refused: Refusal[] } {
  const swaps: DepegSwap[] = [];
  const refused: Refusal[] = [];
  const reports = new Map(m.depeg.map((r) => [r.token, r]));
  let budgetUsd = params.caps.maxSwapUsd;
  for (const stable of params.depeg.stablecoins) {
    const report = reports.get(stable.token.toLowerCase());
    if (report?.tier !== "act" || report.priceUsd === null) continue;
    const held = spotBalance(book, stable.token);
    if (held <= 0n) continue;
    const route = healthiestRoute(book, stable, report, reports);
    if (!route) continue;
    const swap = depegSwap({ book, params, stable, report, ...route, held, budgetUsd });
    if (swap === null) continue;
    if ("reason" in swap) {
      refused.push(swap);
      continue;
    }
    budgetUsd -= swap.amountInUsd;
    swaps.push(swap);
  }
  return { swaps, refused };
}

type Refusal = { code: NoopCode; reason: string };

/** The healthiest reachable stable: tier ok, smallest |deviation|, through one of the stable's configured v3 pools. */
function healthiestRoute(
  book: BookSnapshot,
  stable: StablecoinParams,
  report: DepegReport,
  reports: ReadonlyMap<string, DepegReport>,
): { pool: V3PoolSnapshot; target: DepegReport } | null {
  let best: { pool: V3PoolSnapshot; target: DepegReport } | null = null;
  for (const address of stable.stablePools) {
    const pool = book.pools.find((p) => poolIdOf(p) === address.toLowerCase());
    if (pool?.kind !== "uniswap-v3") continue;
    const other =
      pool.token0.address.toLowerCase() === report.token
        ? pool.token1.address.toLowerCase()
        : pool.token0.address.toLowerCase();
    const target = reports.get(other);
    if (target?.tier !== "ok" || target.deviationBps === null) continue;
    if (!best || Math.abs(target.deviationBps) < Math.abs(best.target.deviationBps ?? 0))
      best = { pool, target };
  }
  return best;
}

/**
 * The swap out of `stable` into `target` through `pool`: as much as is held, within the remaining USD budget and
 * what the pool pays at the feeds' minimum; null when too small to bother, a refusal when it cannot be bounded.
 */
function depegSwap(input: {
  book: BookSnapshot;
  params: BookParams;
  stable: StablecoinParams;
  report: DepegReport;
  pool: V3PoolSnapshot;
  target: DepegReport;
  held: bigint;
  budgetUsd: number;
}): DepegSwap | Refusal | null {
  const { book, params, stable, report, pool, target, held } = input;
  const priceUsd = report.priceUsd as number;
  const zeroForOne = pool.token0.address.toLowerCase() === report.token;
  const decimalsIn = zeroForOne ? pool.token0.decimals : pool.token1.decimals;
  const decimalsOut = zeroForOne ? pool.token1.decimals : pool.token0.decimals;
  const capUnits = fromFloat("caps.maxSwapUsd", Math.max(0, input.budgetUsd) / priceUsd, decimalsIn);
  // biome-ignore lint/complexity/useMathMinMax: bigint operands
  const wanted = held < capUnits ? held : capUnits;
  if (wanted <= 0n || toFloat(wanted, decimalsIn) * priceUsd < params.minTradeUsd) return null;
  // The bound comes from the feeds; the pool's quote (an RPC answer, a market that can be pushed) may only
  // tighten it. The swap takes what the pool pays for at the feeds' minimum: a thin pool sizes it down, a pool
  // that pays less even for the first unit is off the oracle and is not used.
  const feedIn = freshStableFeed(book, stable, report);
  const targetStable = params.depeg.stablecoins.find((s) => s.token.toLowerCase() === target.token);
  const feedOut = freshStableFeed(book, targetStable, target);
  if (feedIn === null || feedOut === null) {
    return {
      code: "oracle-stale",
      reason: `${report.symbol} de-peg swap: no fresh feed of ${feedIn === null ? report.symbol : target.symbol} to bound it`,
    };
  }
  const slippageBps = bpsOf(stable.maxSlippageBps);
  const feedsMinOut = (units: bigint) =>
    oracleSwapMinOut({
      amountIn: units,
      tokenInDecimals: decimalsIn,
      tokenOutDecimals: decimalsOut,
      priceIn: feedIn,
      priceOut: feedOut,
      slippageBps,
    });
  const amountIn = largestSwapPaying(pool, zeroForOne, wanted, feedsMinOut);
  const amountInUsd = toFloat(amountIn, decimalsIn) * priceUsd;
  const quote = amountIn > 0n ? quoteSwap(pool, zeroForOne, amountIn) : null;
  if (quote === null || amountInUsd < params.minTradeUsd) {
    return {
      code: "pool-off-oracle",
      reason: `${report.symbol} de-peg swap: pool ${pool.address} pays less than the feeds' minimum ${amountIn > 0n ? `beyond ${amountIn} ${report.symbol} units (below minTradeUsd)` : "at any size"}`,
    };
  }
  const oracleMinOut = feedsMinOut(amountIn);
  const poolMinOut = (quote.amountOut * (10_000n - slippageBps)) / 10_000n;
  const amountOutMinimum = poolMinOut > oracleMinOut ? poolMinOut : oracleMinOut;
  const outPriceUsd = target.priceUsd ?? 1;
  const feeShare = pool.fee / 1_000_000;
  return {
    action: {
      kind: "swap.exactInputSingle",
      venue: "uniswap-v3",
      tokenIn: stable.token,
      tokenOut: (zeroForOne
        ? pool.token1.address
        : pool.token0.address) as SwapExactInputSingleAction["tokenOut"],
      fee: pool.fee,
      amountIn,
      amountOutMinimum,
    },
    quote: {
      kind: "swap",
      pool: pool.address,
      priceNetOfFee: (toFloat(quote.spotOut, decimalsOut) / toFloat(amountIn, decimalsIn)) * (1 - feeShare),
      tokenInPriceUsd: priceUsd,
      tokenOutPriceUsd: outPriceUsd,
      tokenInDecimals: decimalsIn,
      tokenOutDecimals: decimalsOut,
    },
    amountInUsd,
    feesUsd: amountInUsd * feeShare,
    slippageUsd: Math.max(
      0,
      toFloat(quote.spotOut - quote.amountOut, decimalsOut) * outPriceUsd - amountInUsd * feeShare,
    ),
    // The further loss avoided if the de-peg doubles (USDC/SVB went 3% → 12% overnight).
    riskReductionUsd: amountInUsd * (Math.abs(report.deviationBps ?? 0) / 10_000),
    stable,
    report,
  };
}

/**
 * The urgent plan for the book's de-pegged stables; a noop saying why none could be planned (no fresh feed, a
 * pool off the oracle, a cost above the benefit); null when no stable is at its act tier with exposure held.
 */
export function planDepeg(
  book: BookSnapshot,
  params: BookParams,
  m: BookMetrics,
  nowSec: number,
): Decision | null {
  const { swaps, refused } = depegSwaps(book, params, m);
  const withdrawals = depegV4Withdrawals(book, params, m);
  if (swaps.length === 0 && withdrawals.length === 0) {
    if (refused.length === 0) return null;
    const offOracle = refused.some((r) => r.code === "pool-off-oracle");
    return noop(
      book,
      m,
      offOracle ? "pool-off-oracle" : "oracle-stale",
      refused.map((r) => r.reason).join("; "),
      book.keeper.hedgeTriggered,
    );
  }
  // A v4 withdrawal costs about a swap's gas (one PoolManager unlock, two transfers): counted as one.
  const gas = gasUsd(
    params,
    params.costs.gasBase + (swaps.length + withdrawals.length) * params.costs.gasPerSwap,
    m.basePriceUsd,
  );
  const expectedCost = planCost({
    gasUsd: gas,
    feesUsd: swaps.reduce((s, q) => s + q.feesUsd, 0),
    slippageUsd: swaps.reduce((s, q) => s + q.slippageUsd, 0),
    fundingUsd: 0,
  });
  const reduction =
    swaps.reduce((s, q) => s + q.riskReductionUsd, 0) +
    withdrawals.reduce((s, w) => s + w.riskReductionUsd, 0);
  if (!(reduction > expectedCost.totalUsd * params.costMargin)) {
    return noop(
      book,
      m,
      "cost-exceeds-benefit",
      `de-peg swap: risk reduction $${reduction.toFixed(2)} <= cost $${expectedCost.totalUsd.toFixed(2)} × ${params.costMargin}`,
      book.keeper.hedgeTriggered,
    );
  }
  // Withdrawals first: what they pay lands as spot before the swaps (sized on the spot held before).
  const actions: PlanAction[] = [...withdrawals.map((w) => w.action), ...swaps.map((q) => q.action)];
  const first = swaps[0]?.stable ?? stableOf(params, withdrawals[0]!);
  const feed = first.feed
    ? book.oracles.find((o) => o.feed.toLowerCase() === first.feed!.toLowerCase())
    : undefined;
  const premise: PlanPremise = {
    deadlineSec: nowSec + params.premise.deadlineSec,
    oracle: oraclePremise(feed ?? book.baseOracle, params.premise.oracleBandBps),
  };
  const post: PlanPostState = { minBalances: minBalancesAfter(book, swaps, withdrawals) };
  const plan: Plan = {
    planId: planId(book.bookId, book.blockNumber, actions),
    bookId: book.bookId,
    blockNumber: book.blockNumber,
    lane: "urgent",
    reason: [
      ...withdrawals.map(
        (w) =>
          `${w.symbol} de-peg ${w.deviationBps.toFixed(0)} bps (act): withdraw v4 position ${w.action.tokenId}`,
      ),
      ...swaps.map(
        (q) =>
          `${q.report.symbol} de-peg ${q.report.deviationBps?.toFixed(0)} bps (act): swap to peg-holding stable`,
      ),
    ].join("; "),
    actions,
    premise,
    post,
    expectedRiskReductionUsd: reduction,
    expectedCost,
    quote: {
      basePriceUsd: m.basePriceUsd,
      // The withdrawals run first: a swap's action index counts them.
      legs: swaps.map((q, i) => ({ ...q.quote, actionIndex: withdrawals.length + i })),
    },
    driftBpsBefore: m.drift.driftBps,
    driftBpsAfter: m.drift.driftBps,
    hedgeTriggered: book.keeper.hedgeTriggered,
  };
  return { kind: "plan", plan };
}

/** The configured stable whose de-peg a withdrawal answers. */
function stableOf(params: BookParams, withdrawal: DepegV4Withdrawal): StablecoinParams {
  return params.depeg.stablecoins.find((s) => s.symbol === withdrawal.symbol)!;
}

/**
 * What the treasury must hold after the plan, per token the plan pays into: the spot before, plus each
 * withdrawal's minimums, plus each swap's minimum out, less each swap's input. Native ETH (address(0)) is not an
 * ERC-20 balance HedgeGuard can read and is left out (stable-pair withdrawals never pay it).
 */
function minBalancesAfter(
  book: BookSnapshot,
  swaps: readonly DepegSwap[],
  withdrawals: readonly DepegV4Withdrawal[],
): PlanPostState["minBalances"] {
  const change = new Map<string, { token: `0x${string}`; delta: bigint }>();
  const add = (token: `0x${string}`, delta: bigint) => {
    const key = token.toLowerCase();
    change.set(key, {
      token: change.get(key)?.token ?? token,
      delta: (change.get(key)?.delta ?? 0n) + delta,
    });
  };
  for (const w of withdrawals) {
    add(w.action.currency0, w.action.amount0Min);
    add(w.action.currency1, w.action.amount1Min);
  }
  for (const q of swaps) add(q.action.tokenOut, q.action.amountOutMinimum);
  const paidInto = new Set(change.keys());
  for (const q of swaps)
    if (paidInto.has(q.action.tokenIn.toLowerCase())) add(q.action.tokenIn, -q.action.amountIn);
  return [...change.values()]
    .filter(({ token }) => BigInt(token) !== 0n)
    .map(({ token, delta }) => ({ token, amount: spotBalance(book, token) + delta }));
}
