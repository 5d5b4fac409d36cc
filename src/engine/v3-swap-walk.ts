// A Uniswap v3 swap walked tick by tick, as v3-core's UniswapV3Pool.swap does it, over the initialized ticks an
// indexer read in a window of the pool. Each step is SwapMath.computeSwapStep (whitepaper §6.2.3: within a range
// of constant liquidity L, Δ√P = Δy/L (eq. 6.13) and Δ(1/√P) = Δx/L (eq. 6.15), amounts by SqrtPriceMath, eqs.
// 6.14/6.16); crossing an initialized tick adds its liquidityNet moving up and subtracts it moving down (§6.3.1).
// Steps end where the pool's own loop ends them (the next initialized tick or the end of the bitmap word, as
// TickBitmap.nextInitializedTickWithinOneWord finds it), so every step rounds as the pool rounds and the totals
// match the pool's to the wei.
import { mulDiv, mulDivRoundingUp } from "./full-math.ts";
import { fail } from "./input-guards.ts";
import {
  getAmount0Delta,
  getAmount1Delta,
  getNextSqrtPriceFromInput,
  getNextSqrtPriceFromOutput,
} from "./sqrt-price-math.ts";
import {
  assertTick,
  getSqrtRatioAtTick,
  MAX_SQRT_RATIO,
  MAX_TICK,
  MIN_SQRT_RATIO,
  MIN_TICK,
} from "./tick-math.ts";

const FEE_DENOMINATOR = 1_000_000n; // fee pips: 3000 = 0.3%

export interface InitializedTick {
  tick: number;
  /** ticks(tick).liquidityNet: added to the active liquidity when the price crosses the tick upward. */
  liquidityNet: bigint;
}

/** The part of a v3 pool a swap walk needs. */
export interface V3SwapRange {
  sqrtPriceX96: bigint;
  /** slot0.tick. */
  tick: number;
  /** liquidity(): the active liquidity at the price. */
  liquidity: bigint;
  tickSpacing: number;
  /** fee(), in pips. */
  feePips: number;
  /** Initialized ticks, ascending: every initialized tick of the pool in `knownTicks` is here. */
  initializedTicks: readonly InitializedTick[];
  /** The inclusive tick window read (both ends multiples of the spacing); beyond it liquidity is unknown. */
  knownTicks: { lower: number; upper: number };
}

export interface V3SwapWalk {
  /** What the pool takes in, fee included (the pool's amount0 or amount1 when positive). */
  amountIn: bigint;
  /** What the pool pays out. */
  amountOut: bigint;
  sqrtPriceX96After: bigint;
  /** Initialized ticks the walk crossed. */
  ticksCrossed: number;
}

/** Why a walk has no exact answer: it needs liquidity beyond the window read, or the pool cannot fill it. */
export type V3SwapWalkGap = "beyond-known-ticks" | "price-limit";

/**
 * SwapMath.computeSwapStep (v3-core): one step from `current` toward `target` at liquidity `L`, with
 * `remaining` > 0 exact input, < 0 exact output. Returns the price reached and the step's amounts.
 */
function computeSwapStep(
  current: bigint,
  target: bigint,
  L: bigint,
  remaining: bigint,
  feePips: bigint,
): { next: bigint; amountIn: bigint; amountOut: bigint; feeAmount: bigint } {
  const zeroForOne = current >= target;
  const exactIn = remaining >= 0n;
  let next: bigint;
  let amountIn = 0n;
  let amountOut = 0n;
  if (exactIn) {
    const lessFee = mulDiv(remaining, FEE_DENOMINATOR - feePips, FEE_DENOMINATOR);
    amountIn = zeroForOne
      ? getAmount0Delta(target, current, L, true)
      : getAmount1Delta(current, target, L, true);
    next = lessFee >= amountIn ? target : getNextSqrtPriceFromInput(current, L, lessFee, zeroForOne);
  } else {
    amountOut = zeroForOne
      ? getAmount1Delta(target, current, L, false)
      : getAmount0Delta(current, target, L, false);
    next = -remaining >= amountOut ? target : getNextSqrtPriceFromOutput(current, L, -remaining, zeroForOne);
  }
  const max = next === target;
  if (zeroForOne) {
    if (!(max && exactIn)) amountIn = getAmount0Delta(next, current, L, true);
    if (!(max && !exactIn)) amountOut = getAmount1Delta(next, current, L, false);
  } else {
    if (!(max && exactIn)) amountIn = getAmount1Delta(current, next, L, true);
    if (!(max && !exactIn)) amountOut = getAmount0Delta(current, next, L, false);
  }
  if (!exactIn && amountOut > -remaining) amountOut = -remaining;
  const feeAmount =
    exactIn && next !== target
      ? remaining - amountIn
      : mulDivRoundingUp(amountIn, feePips, FEE_DENOMINATOR - feePips);
  return { next, amountIn, amountOut, feeAmount };
}

/**
 * The whole tick range as a window (its ends the outermost multiples of the spacing): with no initialized ticks
 * listed, a pool of constant liquidity, as a model that has only a depth (the backtest's path) describes it.
 */
export function wholeTickWindow(tickSpacing: number): { lower: number; upper: number } {
  return {
    lower: Math.ceil(MIN_TICK / tickSpacing) * tickSpacing,
    upper: Math.floor(MAX_TICK / tickSpacing) * tickSpacing,
  };
}

const floorDiv = (a: number, b: number) => Math.floor(a / b);

/**
 * TickBitmap.nextInitializedTickWithinOneWord over the ticks read: the next initialized tick at or below `tick`
 * (`lte`) or above it, within the 256-spacing bitmap word, else the word's end. `known` is false when the answer
 * depends on ticks outside the window: then the tick returned is the window's edge, exact only if not reached.
 */
function nextTickWithinOneWord(
  range: V3SwapRange,
  tick: number,
  lte: boolean,
): { next: number; initialized: boolean; known: boolean } {
  const spacing = range.tickSpacing;
  const ticks = range.initializedTicks;
  if (lte) {
    const compressed = floorDiv(tick, spacing);
    const wordStart = floorDiv(compressed, 256) * 256 * spacing;
    for (let i = ticks.length - 1; i >= 0; i--) {
      const t = ticks[i]!.tick;
      if (t > compressed * spacing) continue;
      if (t >= wordStart) return { next: t, initialized: true, known: true };
      break;
    }
    // Known when the word's start is inside the window, or when no initializable tick lies below the window.
    if (wordStart >= range.knownTicks.lower || range.knownTicks.lower - spacing < MIN_TICK)
      return { next: wordStart, initialized: false, known: true };
    return { next: range.knownTicks.lower, initialized: false, known: false };
  }
  const compressed = floorDiv(tick, spacing) + 1;
  const wordEnd = (floorDiv(compressed, 256) * 256 + 255) * spacing;
  for (const { tick: t } of ticks) {
    if (t < compressed * spacing) continue;
    if (t <= wordEnd) return { next: t, initialized: true, known: true };
    break;
  }
  if (wordEnd <= range.knownTicks.upper || range.knownTicks.upper + spacing > MAX_TICK)
    return { next: wordEnd, initialized: false, known: true };
  return { next: range.knownTicks.upper, initialized: false, known: false };
}

function assertRange(range: V3SwapRange, name: string): void {
  const { tickSpacing: spacing, knownTicks, initializedTicks } = range;
  if (!Number.isInteger(spacing) || spacing <= 0)
    fail(`${name}.tickSpacing`, "must be a positive integer", spacing);
  if (!Number.isInteger(range.feePips) || range.feePips < 0 || range.feePips >= 1_000_000)
    fail(`${name}.feePips`, "must be an integer in [0, 1000000)", range.feePips);
  assertTick(`${name}.tick`, range.tick);
  if (range.liquidity < 0n) fail(`${name}.liquidity`, "must be >= 0", range.liquidity);
  if (range.sqrtPriceX96 < MIN_SQRT_RATIO || range.sqrtPriceX96 >= MAX_SQRT_RATIO)
    fail(`${name}.sqrtPriceX96`, "must be in [MIN_SQRT_RATIO, MAX_SQRT_RATIO)", range.sqrtPriceX96);
  assertTick(`${name}.knownTicks.lower`, knownTicks.lower);
  assertTick(`${name}.knownTicks.upper`, knownTicks.upper);
  if (knownTicks.lower % spacing !== 0 || knownTicks.upper % spacing !== 0)
    fail(
      `${name}.knownTicks`,
      `ends must be multiples of the spacing ${spacing}`,
      `${knownTicks.lower}..${knownTicks.upper}`,
    );
  if (!(knownTicks.lower <= range.tick && range.tick < knownTicks.upper))
    fail(
      `${name}.knownTicks`,
      `must contain the pool's tick ${range.tick}`,
      `${knownTicks.lower}..${knownTicks.upper}`,
    );
  let previous = Number.NEGATIVE_INFINITY;
  for (const { tick } of initializedTicks) {
    if (tick <= previous) fail(`${name}.initializedTicks`, "must be strictly ascending", tick);
    if (tick % spacing !== 0 || tick < knownTicks.lower || tick > knownTicks.upper)
      fail(`${name}.initializedTicks`, "must be multiples of the spacing inside knownTicks", tick);
    previous = tick;
  }
}

/**
 * The swap v3-core's pool performs for `amountSpecified` (> 0 exact input, < 0 exact output) in direction
 * `zeroForOne`, with no price limit of its own (v3's MIN_SQRT_RATIO + 1 / MAX_SQRT_RATIO − 1, as Perp v2 passes
 * 0); or the gap that keeps it from being exact.
 */
export function walkV3Swap(
  range: V3SwapRange,
  swap: { zeroForOne: boolean; amountSpecified: bigint },
  name = "pool",
): V3SwapWalk | V3SwapWalkGap {
  assertRange(range, name);
  const { zeroForOne, amountSpecified } = swap;
  if (amountSpecified === 0n) fail("amountSpecified", "must not be 0", amountSpecified);
  const exactIn = amountSpecified > 0n;
  const feePips = BigInt(range.feePips);
  const limit = zeroForOne ? MIN_SQRT_RATIO + 1n : MAX_SQRT_RATIO - 1n;
  let remaining = amountSpecified;
  let sqrtP = range.sqrtPriceX96;
  let tick = range.tick;
  let L = range.liquidity;
  let amountIn = 0n;
  let amountOut = 0n;
  let ticksCrossed = 0;
  while (remaining !== 0n) {
    if (sqrtP === limit) return "price-limit";
    const step = nextTickWithinOneWord(range, tick, zeroForOne);
    const nextTick = Math.min(MAX_TICK, Math.max(MIN_TICK, step.next));
    const sqrtNext = getSqrtRatioAtTick(nextTick);
    const target = (zeroForOne ? sqrtNext < limit : sqrtNext > limit) ? limit : sqrtNext;
    const s = computeSwapStep(sqrtP, target, L, remaining, feePips);
    if (exactIn) remaining -= s.amountIn + s.feeAmount;
    else remaining += s.amountOut;
    amountIn += s.amountIn + s.feeAmount;
    amountOut += s.amountOut;
    sqrtP = s.next;
    if (sqrtP === sqrtNext) {
      // Reaching the window's edge with more to swap: what lies beyond was not read.
      if (!step.known && remaining !== 0n) return "beyond-known-ticks";
      if (step.initialized) {
        const net = range.initializedTicks.find((t) => t.tick === nextTick)!.liquidityNet;
        L += zeroForOne ? -net : net;
        if (L < 0n)
          fail(`${name}.initializedTicks`, "liquidityNet takes the active liquidity below 0", nextTick);
        ticksCrossed += 1;
      }
      tick = zeroForOne ? nextTick - 1 : nextTick;
    }
    // Otherwise the step ended inside the range: the input is used up (exact input) or the output paid.
  }
  return { amountIn, amountOut, sqrtPriceX96After: sqrtP, ticksCrossed };
}
