// A v3 position's token amounts as the v3-sdk's Position computes them: the branch is chosen on the
// pool's tick (not its sqrt price), exactly as Pool/Position do, so results match bit for bit.
import { fail } from "./input-guards.ts";
import { getAmount0Delta, getAmount1Delta } from "./sqrt-price-math.ts";
import { assertTick, getSqrtRatioAtTick } from "./tick-math.ts";

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
  return {
    sqrtLowerX96: getSqrtRatioAtTick(input.tickLower),
    sqrtUpperX96: getSqrtRatioAtTick(input.tickUpper),
  };
}

function amounts(input: PositionAmountsInput, roundUp: boolean): TokenAmounts {
  const { sqrtLowerX96, sqrtUpperX96 } = rangeOf(input);
  return amountsWithinRange(input, sqrtLowerX96, sqrtUpperX96, roundUp);
}

/**
 * The same, for a caller that already holds the range's sqrt ratios (getSqrtRatioAtTick of the validated
 * tickLower and tickUpper): the valuation path computes them once per position.
 */
export function amountsWithinRange(
  input: PositionAmountsInput,
  sqrtLowerX96: bigint,
  sqrtUpperX96: bigint,
  roundUp: boolean,
): TokenAmounts {
  const { sqrtPriceX96, tickCurrent, tickLower, tickUpper, liquidity } = input;
  if (tickCurrent < tickLower) {
    return { amount0: getAmount0Delta(sqrtLowerX96, sqrtUpperX96, liquidity, roundUp), amount1: 0n };
  }
  if (tickCurrent < tickUpper) {
    return {
      amount0: getAmount0Delta(sqrtPriceX96, sqrtUpperX96, liquidity, roundUp),
      amount1: getAmount1Delta(sqrtLowerX96, sqrtPriceX96, liquidity, roundUp),
    };
  }
  return { amount0: 0n, amount1: getAmount1Delta(sqrtLowerX96, sqrtUpperX96, liquidity, roundUp) };
}

/** What burning the position returns now, rounded down (v3-sdk Position.amount0 / amount1). */
export function positionAmounts(input: PositionAmountsInput): TokenAmounts {
  return amounts(input, false);
}

/** What minting the position costs now, rounded up (v3-sdk Position.mintAmounts). */
export function mintAmounts(input: PositionAmountsInput): TokenAmounts {
  return amounts(input, true);
}
