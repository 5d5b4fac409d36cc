// Uniswap v2 (v2-core UniswapV2Pair.burn, v2-periphery UniswapV2Library.getAmountOut; v2 whitepaper §3):
// an LP share is a pro-rata claim on the reserves; swaps pay 0.3% on input.
import { sqrtFloor } from "./full-math.ts";
import { fail } from "./input-guards.ts";

function reserve(field: string, x: bigint): bigint {
  if (typeof x !== "bigint" || x < 0n || x >= 1n << 112n) fail(field, "must be a uint112", x);
  return x;
}

/** What burning `lpBalance` of `totalSupply` returns (UniswapV2Pair.burn: liquidity × reserve / totalSupply, floored). */
export function v2LpShareAmounts(input: {
  lpBalance: bigint;
  totalSupply: bigint;
  reserve0: bigint;
  reserve1: bigint;
}): { amount0: bigint; amount1: bigint } {
  const r0 = reserve("reserve0", input.reserve0);
  const r1 = reserve("reserve1", input.reserve1);
  if (typeof input.totalSupply !== "bigint" || input.totalSupply <= 0n)
    fail("totalSupply", "must be > 0", input.totalSupply);
  if (typeof input.lpBalance !== "bigint" || input.lpBalance < 0n || input.lpBalance > input.totalSupply) {
    fail("lpBalance", "must be in [0, totalSupply]", input.lpBalance);
  }
  return {
    amount0: (input.lpBalance * r0) / input.totalSupply,
    amount1: (input.lpBalance * r1) / input.totalSupply,
  };
}

/** Output for an exact input (UniswapV2Library.getAmountOut, 0.3% fee). */
export function v2GetAmountOut(amountIn: bigint, reserveIn: bigint, reserveOut: bigint): bigint {
  if (typeof amountIn !== "bigint" || amountIn <= 0n) fail("amountIn", "must be > 0", amountIn);
  const rIn = reserve("reserveIn", reserveIn);
  const rOut = reserve("reserveOut", reserveOut);
  if (rIn === 0n || rOut === 0n) fail("reserves", "pool has no liquidity", `${rIn}/${rOut}`);
  const amountInWithFee = amountIn * 997n;
  return (amountInWithFee * rOut) / (rIn * 1000n + amountInWithFee);
}

/** √(reserve0 × reserve1): the pool's liquidity L in the constant-product invariant x·y = L². */
export function v2Liquidity(reserve0: bigint, reserve1: bigint): bigint {
  return sqrtFloor(reserve("reserve0", reserve0) * reserve("reserve1", reserve1));
}
