// A mined plan's realized cost, read from its receipt and measured against the plan's quote (plan.quote). Pure:
// the receipt is handed in. Only logs from the contracts the plan traded through count (a receipt also carries
// the Safe's, the guard's, the vault's and the tokens' events, and anything a hook or a token emits): ClearingHouse
// `PositionChanged` for the Safe (Perp v2 IClearingHouse) and the quoted pool's `Swap` to the Safe with the
// tokenOut `Transfer` from that pool (v3-core IUniswapV3Pool, ERC-20). A trade whose event is missing is an
// error, never a zero-cost leg.
import { type Address, decodeEventLog, erc20Abi, type Hex, isAddressEqual } from "viem";
import { PERP_CLEARING_HOUSE_ABI } from "../chain/abis/perp-v2-abi.ts";
import { UNISWAP_V3_POOL_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import type { PerpTradeQuote, Plan, SwapTradeQuote } from "../engine/plan.ts";
import { type RealizedCost, type RealizedLeg, realizedCost, slippageBps } from "../engine/realized-cost.ts";
import { ClassifiedError } from "../runtime/classified-error.ts";

/** The receipt cannot be read as the plan's execution: the same receipt gives the same answer, so not retryable. */
export class ExecutionReceiptError extends ClassifiedError {
  override name = "ExecutionReceiptError";
  readonly retryable = false;
}

/** What of a transaction receipt the parser reads (viem's TransactionReceipt has it). */
export interface ExecutionReceipt {
  transactionHash: Hex;
  status: "success" | "reverted";
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  logs: readonly { address: Address; topics: readonly Hex[]; data: Hex }[];
}

export interface ExecutionVenues {
  /** The treasury Safe: the trader on the perp, the recipient of swaps. */
  safe: Address;
  clearingHouse: Address;
}

type ReceiptLog = ExecutionReceipt["logs"][number];

/** 18-decimal fixed point (Perp v2 amounts, wei) to a float; exact enough for reporting. */
const e18 = (x: bigint) => Number(x) / 1e18;
const units = (x: bigint, decimals: number) => Number(x) / 10 ** decimals;
const abs = (x: bigint) => (x < 0n ? -x : x);

export function realizedExecution(
  plan: Plan,
  receipt: ExecutionReceipt,
  venues: ExecutionVenues,
): RealizedCost {
  const fail = (message: string, details: Record<string, unknown> = {}) =>
    new ExecutionReceiptError(message, {
      details: { planId: plan.planId, txHash: receipt.transactionHash, ...details },
    });
  if (receipt.status !== "success") throw fail("the transaction reverted: it executed nothing");
  // A plan sealed by a build before quotes existed has nothing to measure against.
  if (plan.quote === undefined) throw fail("the plan carries no quote");
  // Each log answers for one leg at most: two legs on one venue take its events in order.
  const used = new Set<ReceiptLog>();
  const legs = plan.quote.legs.map((quote) =>
    quote.kind === "perp"
      ? perpLeg(plan, quote, receipt.logs, used, venues, fail)
      : swapLeg(plan, quote, receipt.logs, used, venues, fail),
  );
  // Whoever paid the gas (the keeper's account), it is the plan's cost: gwei × gas in the gas token, priced at
  // the base price the plan was decided at (WETH books: the base is the gas token).
  const gasUsd = e18(receipt.gasUsed * receipt.effectiveGasPrice) * plan.quote.basePriceUsd;
  return realizedCost(legs, gasUsd);
}

type Fail = (message: string, details?: Record<string, unknown>) => ExecutionReceiptError;

function perpLeg(
  plan: Plan,
  quote: PerpTradeQuote,
  logs: ExecutionReceipt["logs"],
  used: Set<ReceiptLog>,
  venues: ExecutionVenues,
  fail: Fail,
): RealizedLeg {
  const action = plan.actions[quote.actionIndex];
  if (action?.kind !== "perp.adjustPosition")
    throw fail(`quote ${quote.actionIndex} names no perp resize`, { actionIndex: quote.actionIndex });
  for (const log of logs) {
    if (used.has(log) || !isAddressEqual(log.address, venues.clearingHouse)) continue;
    const event = decodedOrUndefined(() =>
      decodeEventLog({ abi: PERP_CLEARING_HOUSE_ABI, eventName: "PositionChanged", ...topicsAndData(log) }),
    );
    if (event === undefined) continue;
    const { trader, baseToken, exchangedPositionSize, exchangedPositionNotional, fee } = event.args;
    if (!isAddressEqual(trader, venues.safe) || !isAddressEqual(baseToken, action.baseToken)) continue;
    // Selling base shrinks the signed size; a move the other way is not this trade.
    if (exchangedPositionSize === 0n || exchangedPositionSize < 0n !== action.isBaseToQuote)
      throw fail("PositionChanged moved the position the other way than the plan's resize", {
        actionIndex: quote.actionIndex,
        exchangedPositionSize: exchangedPositionSize.toString(),
      });
    used.add(log);
    const sizeBase = e18(abs(exchangedPositionSize));
    const side = action.isBaseToQuote ? "sell" : "buy";
    const realizedPrice = e18(abs(exchangedPositionNotional)) / sizeBase;
    const bps = slippageBps(side, quote.priceUsd, realizedPrice);
    const notionalUsd = sizeBase * quote.priceUsd;
    return {
      actionIndex: quote.actionIndex,
      kind: "perp",
      venue: action.venue,
      side,
      quotedPrice: quote.priceUsd,
      realizedPrice,
      slippageBps: bps,
      // (quoted − realized) × size for a sale, the reverse for a purchase: bps × quoted notional.
      slippageUsd: (bps / 10_000) * notionalUsd,
      notionalUsd,
      // The quote token is vUSD, 1:1 with the settlement dollar.
      feesUsd: e18(fee),
    };
  }
  throw fail(
    `no PositionChanged from the ClearingHouse for the Safe's resize (action ${quote.actionIndex})`,
    {
      actionIndex: quote.actionIndex,
      clearingHouse: venues.clearingHouse,
    },
  );
}

function swapLeg(
  plan: Plan,
  quote: SwapTradeQuote,
  logs: ExecutionReceipt["logs"],
  used: Set<ReceiptLog>,
  venues: ExecutionVenues,
  fail: Fail,
): RealizedLeg {
  const action = plan.actions[quote.actionIndex];
  if (action?.kind !== "swap.exactInputSingle")
    throw fail(`quote ${quote.actionIndex} names no swap`, { actionIndex: quote.actionIndex });
  for (const log of logs) {
    if (used.has(log) || !isAddressEqual(log.address, quote.pool)) continue;
    const event = decodedOrUndefined(() =>
      decodeEventLog({ abi: UNISWAP_V3_POOL_ABI, eventName: "Swap", ...topicsAndData(log) }),
    );
    if (event === undefined || !isAddressEqual(event.args.recipient, venues.safe)) continue;
    // The pool's deltas: positive is what it received (amountIn), negative what it paid out.
    const { amount0, amount1 } = event.args;
    const [amountIn, amountOut] = amount0 > 0n ? [amount0, -amount1] : [amount1, -amount0];
    if (amountIn <= 0n || amountOut <= 0n)
      throw fail("the pool's Swap did not take one token and pay the other", {
        actionIndex: quote.actionIndex,
        amount0: amount0.toString(),
        amount1: amount1.toString(),
      });
    // The Swap log names no tokens: the tokenOut transfer from this pool to the Safe ties it to the action's pair.
    const paid = logs.find(
      (l) => !used.has(l) && isTransfer(l, action.tokenOut, quote.pool, venues.safe, amountOut),
    );
    if (paid === undefined)
      throw fail(`no ${action.tokenOut} Transfer of the swap's output from the pool to the Safe`, {
        actionIndex: quote.actionIndex,
        pool: quote.pool,
      });
    used.add(log);
    used.add(paid);
    const inWhole = units(amountIn, quote.tokenInDecimals);
    const realizedPrice = units(amountOut, quote.tokenOutDecimals) / inWhole;
    const bps = slippageBps("sell", quote.priceNetOfFee, realizedPrice);
    return {
      actionIndex: quote.actionIndex,
      kind: "swap",
      venue: action.venue,
      side: "sell",
      quotedPrice: quote.priceNetOfFee,
      realizedPrice,
      slippageBps: bps,
      // The tokenOut the fill fell short of the quote by, at tokenOut's price.
      slippageUsd: (quote.priceNetOfFee - realizedPrice) * inWhole * quote.tokenOutPriceUsd,
      notionalUsd: inWhole * quote.tokenInPriceUsd,
      // The fee tier's share of the input is what the pool kept (v3 SwapMath charges it on amountIn, rounding up).
      feesUsd: inWhole * (action.fee / 1_000_000) * quote.tokenInPriceUsd,
    };
  }
  throw fail(`no Swap from pool ${quote.pool} to the Safe (action ${quote.actionIndex})`, {
    actionIndex: quote.actionIndex,
    pool: quote.pool,
  });
}

function isTransfer(log: ReceiptLog, token: Address, from: Address, to: Address, amount: bigint): boolean {
  if (!isAddressEqual(log.address, token)) return false;
  const event = decodedOrUndefined(() =>
    decodeEventLog({ abi: erc20Abi, eventName: "Transfer", ...topicsAndData(log) }),
  );
  return (
    event !== undefined &&
    isAddressEqual(event.args.from, from) &&
    isAddressEqual(event.args.to, to) &&
    event.args.value === amount
  );
}

function topicsAndData(log: ReceiptLog) {
  return { topics: [...log.topics] as [Hex, ...Hex[]], data: log.data, strict: true as const };
}

/** A log decoded as the asked event, or undefined when it is another event (topic0 or shape differ). */
function decodedOrUndefined<T>(decode: () => T): T | undefined {
  try {
    return decode();
  } catch {
    return undefined;
  }
}
