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
import type { PerpPositionSnapshot } from "../engine/snapshot.ts";
import type { PerpVenue } from "./perp-venue.ts";

export interface PerpV2Contracts {
  clearingHouse: Address;
  clearingHouseConfig: Address;
  accountBalance: Address;
  vault: Address;
  exchange: Address;
  /** The market's Uniswap v3 pool (MarketRegistry.getPool(market)): its depth prices a trade's impact. */
  marketPool: Address;
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
      ];
    },
    // Units differ by contract in Curie: ClearingHouse.getAccountValue is in 18 decimals, while the Vault reports
    // balances and free collateral in the settlement token's own decimals (USDC: 6).
    decodePosition(values, { market, settlementToken }): PerpPositionSnapshot {
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
      const markTwapE18 = (sqrtMarkTwap * sqrtMarkTwap * E18) / (Q96 * Q96);
      return {
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
        marketDepth: {
          pool: contracts.marketPool,
          sqrtPriceX96: slot0[0],
          tick: slot0[1],
          liquidity,
          tickSpacing,
        },
      };
    },
  };
}
