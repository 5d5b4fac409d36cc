// Slippage bounds from Chainlink answers, never from a venue's own price: a pool's slot0 or a perp's index
// price read over RPC can lie (a compromised node) or be pushed (a manipulated pool); the feed is what the
// guard re-checks on chain. The on-chain rule (contracts/libraries/OracleBounds.sol) is the same arithmetic:
// integers only, each bound the exact rational value rounded ONCE, toward the treasury (a minimum up, a
// maximum down), so the plan's bound is never looser than the rule allows.
import { mulDiv, mulDivRoundingUp } from "./full-math.ts";
import { fail } from "./input-guards.ts";

/** A Chainlink answer and its decimals (8 for USD feeds). */
export interface OraclePrice {
  answer: bigint;
  decimals: number;
}

const BPS = 10_000n;

function checkPrice(field: string, price: OraclePrice): void {
  if (typeof price.answer !== "bigint" || price.answer <= 0n)
    fail(`${field}.answer`, "must be > 0", price.answer);
  checkDecimals(`${field}.decimals`, price.decimals);
}

function checkDecimals(field: string, decimals: number): void {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 36)
    fail(field, "must be an integer in [0, 36]", decimals);
}

function checkSlippage(slippageBps: bigint): void {
  if (slippageBps < 0n || slippageBps >= BPS) fail("slippageBps", "must be in [0, 10000)", slippageBps);
}

function checkAmount(field: string, amount: bigint): void {
  if (amount < 0n) fail(field, "must be >= 0", amount);
}

/**
 * The least a swap of `amountIn` may return, valued at the two feeds' answers less `slippageBps`:
 *   amountIn × pIn × 10^(feedDecOut + tokenDecOut) / (pOut × 10^(feedDecIn + tokenDecIn)) × (10_000 − slip) / 10_000,
 * rounded up.
 */
export function oracleSwapMinOut(input: {
  amountIn: bigint;
  tokenInDecimals: number;
  tokenOutDecimals: number;
  priceIn: OraclePrice;
  priceOut: OraclePrice;
  slippageBps: bigint;
}): bigint {
  const { amountIn, priceIn, priceOut, slippageBps } = input;
  checkAmount("amountIn", amountIn);
  checkPrice("priceIn", priceIn);
  checkPrice("priceOut", priceOut);
  checkDecimals("tokenInDecimals", input.tokenInDecimals);
  checkDecimals("tokenOutDecimals", input.tokenOutDecimals);
  checkSlippage(slippageBps);
  const scaleOut = 10n ** BigInt(priceOut.decimals + input.tokenOutDecimals);
  const scaleIn = 10n ** BigInt(priceIn.decimals + input.tokenInDecimals);
  return mulDivRoundingUp(
    amountIn * priceIn.answer,
    scaleOut * (BPS - slippageBps),
    priceOut.answer * scaleIn * BPS,
  );
}

/**
 * Perp v2 `oppositeAmountBound` of an exact-base trade (base 18 decimals, quote vUSD 18 decimals = $1), from
 * notionalE18 = amountBase × p / 10^feedDecimals. Selling base: the least quote to receive,
 * notional × (10_000 − slip) / 10_000 rounded up. Buying base: the most quote to pay,
 * notional × (10_000 + slip) / 10_000 rounded down.
 */
export function oraclePerpQuoteBound(input: {
  amountBase: bigint;
  isBaseToQuote: boolean;
  price: OraclePrice;
  slippageBps: bigint;
}): bigint {
  const { amountBase, price, slippageBps } = input;
  checkAmount("amountBase", amountBase);
  checkPrice("price", price);
  checkSlippage(slippageBps);
  const den = 10n ** BigInt(price.decimals) * BPS;
  return input.isBaseToQuote
    ? mulDivRoundingUp(amountBase * price.answer, BPS - slippageBps, den)
    : mulDiv(amountBase * price.answer, BPS + slippageBps, den);
}
