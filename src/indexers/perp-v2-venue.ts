import { type Address, isAddressEqual } from "viem";
import {
  PERP_ACCOUNT_BALANCE_ABI,
  PERP_BASE_TOKEN_ABI,
  PERP_CLEARING_HOUSE_ABI,
  PERP_CLEARING_HOUSE_CONFIG_ABI,
  PERP_EXCHANGE_ABI,
  PERP_VAULT_ABI,
} from "../chain/abis/perp-v2-abi.ts";
import { UNISWAP_V3_POOL_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { MalformedReturnDataError } from "../chain/errors.ts";
import type { ContractRead } from "../chain/read-at-block.ts";
import type { PerpMarketDepth, PerpPositionSnapshot } from "../engine/snapshot.ts";
import { MAX_TICK, MIN_TICK } from "../engine/tick-math.ts";
import type { PerpDepthHint, PerpDepthWindow, PerpVenue, PrefetchedPerpDepth } from "./perp-venue.ts";
import { bitmapWordsOf, initializedTicksInWords } from "./v3-tick-bitmap.ts";

export interface PerpV2Contracts {
  clearingHouse: Address;
  clearingHouseConfig: Address;
  accountBalance: Address;
  vault: Address;
  exchange: Address;
  /** The market's Uniswap v3 pool (MarketRegistry.getPool(market)): its depth prices a trade's impact. */
  marketPool: Address;
}

/**
 * At most this many ticks(i) reads in the depth's round. Perp v2 caps maxTickCrossedWithinBlock at 1,000 ticks, so
 * a 60-spacing market (every market so far: fee 0.3%) needs at most 35; a finer spacing is read this far only.
 */
export const MAX_DEPTH_TICK_READS = 256;

/**
 * The ticks within `maxTickCrossed` of `tick`: the multiples of the spacing within that distance, one more above (a
 * purchase ends at or below the next tick up), capped at MAX_DEPTH_TICK_READS around the price. Perp v2's Exchange
 * refuses a swap that ends more than maxTickCrossedWithinBlock ticks from its reference tick
 * (Exchange._isOverPriceLimitWithTick), which Exchange 2.6.0 refreshes to the pool's tick at most every 15 s
 * (src/devnet/perp-price-limit.ts), not at every block. Centred on the current tick, this window holds every tick a
 * trade can reach while the reference is the current tick (a refresh); a reference kept from up to 15 s before can
 * let a trade reach up to twice as far on one side. Such a trade's cost is then a conservative bound and says so
 * (perp-trade-cost.ts: `withinKnownRange` false); reading the reference (a private slot) would centre it.
 */
export function reachableTickWindow(
  tick: number,
  tickSpacing: number,
  maxTickCrossed: number,
): { lower: number; upper: number } {
  const compressed = Math.floor(tick / tickSpacing);
  const half = Math.floor((MAX_DEPTH_TICK_READS - 2) / 2);
  const below = Math.min(compressed - Math.floor((tick - maxTickCrossed) / tickSpacing), half);
  const above = Math.min(Math.floor((tick + maxTickCrossed) / tickSpacing) + 1 - compressed, half + 1);
  return {
    lower: Math.max(Math.ceil(MIN_TICK / tickSpacing), compressed - below) * tickSpacing,
    upper: Math.min(Math.floor(MAX_TICK / tickSpacing), compressed + above) * tickSpacing,
  };
}

/**
 * The window a snapshot reads in the next one's main round, before that block's price is known: twice
 * reachableTickWindow's distance around this block's tick, which holds the next block's window when its tick moved
 * at most maxTickCrossedWithinBlock. A larger move (skipped blocks, a reorg, a reference kept from before: see
 * reachableTickWindow) is found by the decoder, which reads what the window missed.
 */
export function nextBlockDepthWindow(
  tick: number,
  tickSpacing: number,
  maxTickCrossed: number,
): PerpDepthWindow {
  return { ...reachableTickWindow(tick, tickSpacing, 2 * maxTickCrossed), tickSpacing };
}

const RATIO_DECIMALS = 1e6; // Perp v2 ratios are uint24 with 6 decimals (e.g. 62_500 = 6.25%).
const Q96 = 2n ** 96n;
const E18 = 10n ** 18n;

/**
 * Perpetual Protocol v2 (Curie). Funding follows the protocol's own rule (Exchange._getFundingGrowthGlobalAndTwaps):
 * each second the position pays size × (markTwap − indexTwap) / 86400, so the daily rate as a fraction of
 * notional is (markTwap − indexTwap) / indexTwap, positive when longs pay shorts.
 */
export function createPerpV2Venue(
  contracts: PerpV2Contracts,
  options: { twapIntervalSec: number },
): PerpVenue {
  return {
    id: "perp-v2",
    fundingSettledBy: contracts.clearingHouse,
    collateralMovedBy: contracts.vault,
    positionReads(account, market): ContractRead[] {
      const twap = options.twapIntervalSec;
      return [
        {
          address: contracts.accountBalance,
          abi: PERP_ACCOUNT_BALANCE_ABI,
          functionName: "getTakerPositionSize",
          args: [account, market],
        },
        {
          address: contracts.accountBalance,
          abi: PERP_ACCOUNT_BALANCE_ABI,
          functionName: "getTakerOpenNotional",
          args: [account, market],
        },
        {
          address: contracts.clearingHouse,
          abi: PERP_CLEARING_HOUSE_ABI,
          functionName: "getAccountValue",
          args: [account],
        },
        { address: contracts.vault, abi: PERP_VAULT_ABI, functionName: "getFreeCollateral", args: [account] },
        { address: contracts.vault, abi: PERP_VAULT_ABI, functionName: "getBalance", args: [account] },
        {
          address: contracts.exchange,
          abi: PERP_EXCHANGE_ABI,
          functionName: "getAllPendingFundingPayment",
          args: [account],
        },
        {
          address: contracts.accountBalance,
          abi: PERP_ACCOUNT_BALANCE_ABI,
          functionName: "getMarkPrice",
          args: [market],
        },
        { address: market, abi: PERP_BASE_TOKEN_ABI, functionName: "getIndexPrice", args: [0n] },
        {
          address: contracts.exchange,
          abi: PERP_EXCHANGE_ABI,
          functionName: "getSqrtMarkTwapX96",
          args: [market, twap],
        },
        { address: market, abi: PERP_BASE_TOKEN_ABI, functionName: "getIndexPrice", args: [BigInt(twap)] },
        {
          address: contracts.clearingHouseConfig,
          abi: PERP_CLEARING_HOUSE_CONFIG_ABI,
          functionName: "getMmRatio",
        },
        {
          address: contracts.clearingHouseConfig,
          abi: PERP_CLEARING_HOUSE_CONFIG_ABI,
          functionName: "getImRatio",
        },
        {
          address: contracts.accountBalance,
          abi: PERP_ACCOUNT_BALANCE_ABI,
          functionName: "getPnlAndPendingFee",
          args: [account],
        },
        // The market's depth, in the same block: slot0 and in-range liquidity, with the spacing and token0 (so a
        // pool that is not the market's, base first, is an error rather than a price).
        { address: contracts.marketPool, abi: UNISWAP_V3_POOL_ABI, functionName: "slot0" },
        { address: contracts.marketPool, abi: UNISWAP_V3_POOL_ABI, functionName: "liquidity" },
        { address: contracts.marketPool, abi: UNISWAP_V3_POOL_ABI, functionName: "tickSpacing" },
        { address: contracts.marketPool, abi: UNISWAP_V3_POOL_ABI, functionName: "token0" },
        { address: contracts.marketPool, abi: UNISWAP_V3_POOL_ABI, functionName: "fee" },
        {
          address: contracts.exchange,
          abi: PERP_EXCHANGE_ABI,
          functionName: "getMaxTickCrossedWithinBlock",
          args: [market],
        },
      ];
    },
    // Units differ by contract in Curie: ClearingHouse.getAccountValue is in 18 decimals, while the Vault reports
    // balances and free collateral in the settlement token's own decimals (USDC: 6).
    // The hint's window as bitmap words (one or two), and ticks(i) of the ticks last seen initialized in it: a
    // handful of reads where every spacing multiple of the window (~70 on a 60-spacing market) would be as many.
    depthHintReads: (hint) => [
      ...bitmapWordsOf(hint.window).map(
        (word): ContractRead => ({
          address: contracts.marketPool,
          abi: UNISWAP_V3_POOL_ABI,
          functionName: "tickBitmap",
          args: [word],
        }),
      ),
      ...ticksReads(contracts.marketPool, hint.initializedTicks),
    ],
    decodePosition(values, { market, settlementToken }, prefetched) {
      const [
        size,
        openNotional,
        accountValue,
        freeCollateral,
        balance,
        pendingFunding,
        mark,
        index,
        sqrtMarkTwap,
        indexTwap,
        mm,
        im,
        pnlAndPendingFee,
        slot0,
        liquidity,
        tickSpacing,
        token0,
        feePips,
        maxTickCrossed,
      ] = values as [
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
        number,
        number,
        readonly [bigint, bigint, bigint],
        readonly [bigint, number, ...unknown[]],
        bigint,
        number,
        Address,
        number,
        number,
      ];
      if (!Array.isArray(pnlAndPendingFee) || pnlAndPendingFee.length !== 3) {
        throw new MalformedReturnDataError(
          "perp account balance returned no (owed, unrealized, fee) triple",
          {
            details: { market },
          },
        );
      }
      const [owedRealizedPnl, unrealizedPnl, pendingFee] = pnlAndPendingFee;
      if (mark === 0n || index === 0n || indexTwap === 0n) {
        throw new MalformedReturnDataError("perp venue returned a zero mark or index price", {
          details: { market, mark: mark.toString(), index: index.toString() },
        });
      }
      if (balance < 0n) {
        throw new MalformedReturnDataError("perp vault returned a negative settlement balance", {
          details: { market, balance: balance.toString() },
        });
      }
      if (!Array.isArray(slot0) || typeof slot0[0] !== "bigint" || typeof slot0[1] !== "number") {
        throw new MalformedReturnDataError("perp market pool returned no slot0", {
          details: { market, pool: contracts.marketPool },
        });
      }
      if (typeof token0 !== "string" || !isAddressEqual(token0, market)) {
        throw new MalformedReturnDataError(
          "perp market pool does not hold the market's base token as token0",
          {
            details: { market, pool: contracts.marketPool, token0: String(token0) },
          },
        );
      }
      if (slot0[0] === 0n || typeof tickSpacing !== "number" || tickSpacing <= 0) {
        throw new MalformedReturnDataError("perp market pool returned a zero price or no tick spacing", {
          details: { market, pool: contracts.marketPool, sqrtPriceX96: String(slot0[0]) },
        });
      }
      if (typeof feePips !== "number" || feePips < 0 || feePips >= RATIO_DECIMALS) {
        throw new MalformedReturnDataError("perp market pool returned a fee outside [0, 1e6) pips", {
          details: { market, pool: contracts.marketPool, fee: String(feePips) },
        });
      }
      if (typeof maxTickCrossed !== "number" || !Number.isInteger(maxTickCrossed) || maxTickCrossed < 0) {
        throw new MalformedReturnDataError("perp exchange returned no maxTickCrossedWithinBlock", {
          details: { market, value: String(maxTickCrossed) },
        });
      }
      const markTwapE18 = (sqrtMarkTwap * sqrtMarkTwap * E18) / (Q96 * Q96);
      const window = { ...reachableTickWindow(slot0[1], tickSpacing, maxTickCrossed), tickSpacing };
      const nextWindow = nextBlockDepthWindow(slot0[1], tickSpacing, maxTickCrossed);
      const prefetchedDepth = prefetched && prefetchedTicks(prefetched, tickSpacing, window, market);
      const position: Omit<PerpPositionSnapshot, "marketDepth"> = {
        venue: "perp-v2",
        baseToken: market,
        sizeBase: size,
        openNotionalQuote: openNotional,
        accountValueQuote: accountValue,
        freeCollateral,
        markPriceE18: mark,
        indexPriceE18: index,
        pendingFundingQuote: pendingFunding,
        owedRealizedPnlQuote: owedRealizedPnl,
        unrealizedPnlQuote: unrealizedPnl,
        pendingFeeQuote: pendingFee,
        fundingRateDaily: Number(markTwapE18 - indexTwap) / Number(indexTwap),
        maintenanceMarginRatio: mm / RATIO_DECIMALS,
        initialMarginRatio: im / RATIO_DECIMALS,
        collateral: { token: settlementToken, balance },
      };
      const withDepth = (initializedTicks: PerpMarketDepth["initializedTicks"]): PerpPositionSnapshot => ({
        ...position,
        marketDepth: {
          pool: contracts.marketPool,
          sqrtPriceX96: slot0[0],
          tick: slot0[1],
          liquidity,
          tickSpacing,
          feePips,
          initializedTicks,
          knownTicks: { lower: window.lower, upper: window.upper },
        },
      });

      if (prefetchedDepth !== undefined) {
        // The bitmap words cover the window: the initialized ticks are known, and only those the hint did not read
        // (initialized since the last snapshot) take one more round.
        const missing = prefetchedDepth.initialized.filter((t) => !prefetchedDepth.infos.has(t));
        const nextDepthHint: PerpDepthHint = {
          window: nextWindow,
          initializedTicks: prefetchedDepth.initializedInWords.filter(
            (t) => nextWindow.lower <= t && t <= nextWindow.upper,
          ),
        };
        return {
          depthReads: ticksReads(contracts.marketPool, missing),
          complete(readValues) {
            if (readValues.length !== missing.length) {
              throw new MalformedReturnDataError("perp market pool returned the wrong number of ticks", {
                details: { market, expected: missing.length, got: readValues.length },
              });
            }
            const infos = new Map(prefetchedDepth.infos);
            missing.forEach((t, i) => {
              infos.set(t, readValues[i]);
            });
            const perp = withDepth(
              prefetchedDepth.initialized.map((tick) => {
                const info = tickStruct(infos.get(tick), market, contracts.marketPool, tick);
                // The bitmap and the tick's own flag are set together (Tick.update / TickBitmap.flipTick): a node
                // whose answers disagree is not describing one pool at one block.
                if (!info[7]) {
                  throw new MalformedReturnDataError(
                    "perp market pool's tick bitmap and ticks() disagree on an initialized tick",
                    { details: { market, pool: contracts.marketPool, tick } },
                  );
                }
                return { tick, liquidityNet: info[1] };
              }),
            );
            return { perp, nextDepthHint };
          },
        };
      }

      // No usable hint (the first snapshot, blocks skipped, a reorg, another spacing): ticks(i) of every multiple
      // of the spacing a trade can reach, whose `initialized` flags stand in for a bitmap round of their own.
      const windowTicks = ticksOf(window);
      return {
        depthReads: ticksReads(contracts.marketPool, windowTicks),
        complete(depthValues) {
          if (depthValues.length !== windowTicks.length) {
            throw new MalformedReturnDataError("perp market pool returned the wrong number of ticks", {
              details: { market, expected: windowTicks.length, got: depthValues.length },
            });
          }
          const initializedTicks: PerpMarketDepth["initializedTicks"][number][] = [];
          depthValues.forEach((value, i) => {
            const tick = windowTicks[i]!;
            const info = tickStruct(value, market, contracts.marketPool, tick);
            if (info[7]) initializedTicks.push({ tick, liquidityNet: info[1] });
          });
          // Ticks of the next window outside this one are not known yet: the next bitmap shows them, and one more
          // round reads those a trade can then reach.
          return {
            perp: withDepth(initializedTicks),
            nextDepthHint: { window: nextWindow, initializedTicks: initializedTicks.map(({ tick }) => tick) },
          };
        },
      };
    },
  };
}

type TickStruct = readonly [bigint, bigint, ...unknown[]] & { 7: boolean };

function tickStruct(value: unknown, market: Address, pool: Address, tick: number): TickStruct {
  if (!Array.isArray(value) || typeof value[1] !== "bigint" || typeof value[7] !== "boolean") {
    throw new MalformedReturnDataError("perp market pool returned no ticks() struct", {
      details: { market, pool, tick },
    });
  }
  return value as unknown as TickStruct;
}

/**
 * The prefetched answers of a hint, when they cover `window`: the ticks its bitmap words mark initialized in the
 * window, in all the words read, and the ticks(i) answers read. Undefined when the hint's window does not hold the
 * window or has another spacing (the depth is then read whole).
 */
function prefetchedTicks(
  prefetched: PrefetchedPerpDepth,
  tickSpacing: number,
  window: PerpDepthWindow,
  market: Address,
): { initialized: number[]; initializedInWords: number[]; infos: Map<number, unknown> } | undefined {
  const { hint, values } = prefetched;
  const words = bitmapWordsOf(hint.window);
  if (values.length !== words.length + hint.initializedTicks.length) {
    throw new MalformedReturnDataError("perp market pool returned the wrong number of ticks", {
      details: { market, expected: words.length + hint.initializedTicks.length, got: values.length },
    });
  }
  const wordValues = values.slice(0, words.length);
  if (!wordValues.every((w) => typeof w === "bigint")) {
    throw new MalformedReturnDataError("perp market pool returned a tick bitmap word that is not a uint256", {
      details: { market },
    });
  }
  const covers =
    hint.window.tickSpacing === tickSpacing &&
    hint.window.lower <= window.lower &&
    window.upper <= hint.window.upper;
  if (!covers) return undefined;
  const wordsSpan = {
    lower: words[0]! * 256 * tickSpacing,
    upper: (words.at(-1)! * 256 + 255) * tickSpacing,
    tickSpacing,
  };
  const initializedInWords = initializedTicksInWords(words, wordValues as bigint[], wordsSpan);
  return {
    initialized: initializedInWords.filter((t) => window.lower <= t && t <= window.upper),
    initializedInWords,
    infos: new Map(hint.initializedTicks.map((t, i) => [t, values[words.length + i]] as const)),
  };
}

/** Every multiple of the window's spacing from its lower to its upper tick. */
function ticksOf(window: PerpDepthWindow): number[] {
  const ticks: number[] = [];
  for (let t = window.lower; t <= window.upper; t += window.tickSpacing) ticks.push(t);
  return ticks;
}

function ticksReads(pool: Address, ticks: readonly number[]): ContractRead[] {
  return ticks.map((t) => ({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "ticks", args: [t] }));
}
