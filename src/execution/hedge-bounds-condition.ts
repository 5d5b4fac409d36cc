import { type Address, getAddress, type Hex, toHex } from "viem";
import { type Condition, Operator, ParameterType } from "zodiac-roles-sdk";

// A Roles v2 custom condition (operator Custom): Roles STATICCALLs the adapter's
// `check(to, value, data, operation, location, size, extra)` with the whole calldata of the scoped call; the
// condition's compValue is the adapter's 20-byte address followed by 12 bytes of `extra`. HedgeBounds reads
// `extra` as uint16 maxSlippageBps then uint80 ceiling in whole tokens (contracts/interfaces/IHedgeBounds.sol).

const UINT80_MAX = (1n << 80n) - 1n;

/** The 12 `extra` bytes: slippage (or price band) in bps, then a ceiling in whole tokens (0 where none applies). */
export function encodeBoundsExtra(maxSlippageBps: number, ceilingWholeUnits = 0): Hex {
  if (!Number.isInteger(maxSlippageBps) || maxSlippageBps < 0 || maxSlippageBps >= 10_000)
    throw new RangeError(`a bound's slippage must be an integer in [0, 10000) bps, got ${maxSlippageBps}`);
  const ceiling = BigInt(ceilingWholeUnits);
  if (!Number.isInteger(ceilingWholeUnits) || ceiling < 0n || ceiling > UINT80_MAX)
    throw new RangeError(
      `a bound's ceiling must be a whole number of tokens below 2^80, got ${ceilingWholeUnits}`,
    );
  return toHex((BigInt(maxSlippageBps) << 80n) | ceiling, { size: 12 });
}

/**
 * The HedgeBounds check on one static parameter of a scoped call. Which parameter carries it does not change
 * what is checked (the adapter decodes the whole call); it decides only where in the condition tree Roles asks.
 */
export function hedgeBoundsCheck(adapter: Address, extra: Hex) {
  return (): Condition => ({
    paramType: ParameterType.Static,
    operator: Operator.Custom,
    compValue: `${getAddress(adapter).toLowerCase()}${extra.slice(2)}` as Hex,
  });
}
