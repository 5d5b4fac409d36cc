// FullMath (Uniswap v3-core libraries/FullMath.sol): 512-bit intermediate products. Native bigint has
// arbitrary precision, so the 512-bit trick reduces to a plain product; what remains of the contract is
// its domain: a zero denominator or a result above 2^256 - 1 reverts there and throws here.
import { fail, MAX_UINT256 } from "./input-guards.ts";

/** floor(a × b / denominator), as FullMath.mulDiv. */
export function mulDiv(a: bigint, b: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) fail("denominator", "must be > 0", denominator);
  const result = (a * b) / denominator;
  if (result > MAX_UINT256) fail("mulDiv", "result overflows uint256", result);
  return result;
}

/** ceil(a × b / denominator), as FullMath.mulDivRoundingUp. */
export function mulDivRoundingUp(a: bigint, b: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) fail("denominator", "must be > 0", denominator);
  // ceil for non-negative operands in one division
  const result = (a * b + denominator - 1n) / denominator;
  if (result > MAX_UINT256) fail("mulDivRoundingUp", "result overflows uint256", result);
  return result;
}

/** ceil(x / y), as UnsafeMath.divRoundingUp (y > 0 is the caller's duty there; checked here). */
export function divRoundingUp(x: bigint, y: bigint): bigint {
  if (y <= 0n) fail("denominator", "must be > 0", y);
  return (x + y - 1n) / y;
}

/** floor(sqrt(x)) for x >= 0 (Newton's method; the floor square root is unique, so any exact method agrees). */
export function sqrtFloor(x: bigint): bigint {
  if (x < 0n) fail("x", "square root of a negative number", x);
  if (x < 2n) return x;
  // Start from a power of two above the root so the iteration decreases monotonically.
  let z = 1n << BigInt(Math.ceil(x.toString(2).length / 2));
  let y = (z + x / z) >> 1n;
  while (y < z) {
    z = y;
    y = (z + x / z) >> 1n;
  }
  return z;
}
