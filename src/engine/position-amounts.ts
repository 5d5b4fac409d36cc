// A v3 position's token amounts as the v3-sdk's Position computes them: the branch is chosen on the
// pool's tick (not its sqrt price), exactly as Pool/Position do, so results match bit for bit.
import { fail, MAX_UINT128, MAX_UINT160 } from "./input-guards.ts";
import { amount0DeltaOrdered, amount1DeltaOrdered } from "./sqrt-price-math.ts";
import { assertTick, sqrtRatioAtValidTick } from "./tick-math.ts";

export interface PositionAmountsInput {
  sqrtPriceX96: bigint;
  tickCurrent: number;
  tickLower: number;
  tickUpper: number;
  liquidity: bigint;
}

export interface TokenAmounts {
  amount0: bigint;
  amount1: bigint;
}

/** Validates a position input once and returns its range's sqrt ratios. */
export function rangeOf(input: PositionAmountsInput): { sqrtLowerX96: bigint; sqrtUpperX96: bigint } {
  assertTick("tickCurrent", input.tickCurrent);
  assertTick("tickLower", input.tickLower);
  assertTick("tickUpper", input.tickUpper);
  if (input.tickLower >= input.tickUpper) {
    fail(
      "tickLower",
      "must be below tickUpper (inverted or empty range)",
      `${input.tickLower} >= ${input.tickUpper}`,
    );
  }
  const { sqrtPriceX96, liquidity } = input;
  if (typeof sqrtPriceX96 !== "bigint" || sqrtPriceX96 <= 0n || sqrtPriceX96 > MAX_UINT160) {
    fail("sqrtPriceX96", "must be a uint160 > 0", sqrtPriceX96);
  }
  if (typeof liquidity !== "bigint" || liquidity < 0n || liquidity > MAX_UINT128) {
    fail("liquidity", "must be a uint128", liquidity);
  }
  return {
    sqrtLowerX96: sqrtRatioAtValidTick(input.tickLower),
    sqrtUpperX96: sqrtRatioAtValidTick(input.tickUpper),
  };
}

function amounts(input: PositionAmountsInput, roundUp: boolean): TokenAmounts {
  const { sqrtLowerX96, sqrtUpperX96 } = rangeOf(input);
  return amountsWithinRange(input, sqrtLowerX96, sqrtUpperX96, roundUp);
}

/**
 * The same, for a caller that validated the input with rangeOf and holds the range's sqrt ratios: the
 * valuation path computes them once per position. Inputs are not checked again here.
 */
export function amountsWithinRange(
  input: PositionAmountsInput,
  sqrtLowerX96: bigint,
  sqrtUpperX96: bigint,
  roundUp: boolean,
): TokenAmounts {
  const { sqrtPriceX96, tickCurrent, tickLower, tickUpper, liquidity } = input;
  if (tickCurrent < tickLower) {
    return { amount0: amount0DeltaOrdered(sqrtLowerX96, sqrtUpperX96, liquidity, roundUp), amount1: 0n };
  }
  if (tickCurrent < tickUpper) {
    // The SDK's Pool keeps p(tick) <= √P <= p(tick + 1), so √P is inside the range here; order anyway.
    return {
      amount0:
        sqrtPriceX96 <= sqrtUpperX96
          ? amount0DeltaOrdered(sqrtPriceX96, sqrtUpperX96, liquidity, roundUp)
          : amount0DeltaOrdered(sqrtUpperX96, sqrtPriceX96, liquidity, roundUp),
      amount1:
        sqrtLowerX96 <= sqrtPriceX96
          ? amount1DeltaOrdered(sqrtLowerX96, sqrtPriceX96, liquidity, roundUp)
          : amount1DeltaOrdered(sqrtPriceX96, sqrtLowerX96, liquidity, roundUp),
    };
  }
  return { amount0: 0n, amount1: amount1DeltaOrdered(sqrtLowerX96, sqrtUpperX96, liquidity, roundUp) };
}

/** What burning the position returns now, rounded down (v3-sdk Position.amount0 / amount1). */
export function positionAmounts(input: PositionAmountsInput): TokenAmounts {
  return amounts(input, false);
}

/** What minting the position costs now, rounded up (v3-sdk Position.mintAmounts). */
export function mintAmounts(input: PositionAmountsInput): TokenAmounts {
  return amounts(input, true);
}
