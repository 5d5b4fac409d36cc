// The hedge's figures over a scenario read straight from the chain, apart from the history and the report: what the
// demo's test checks each attributed hedge and cost term against (issue 19: "each term is checked against an
// independent computation"). Perp v2 (Curie) accounting, between two blocks b0 < b1:
//   hedge P&L            Δ ClearingHouse.getAccountValue − collateral deposited (Vault Deposited − Withdrawn)
//   settled into vault   Δ Vault.getBalance − collateral deposited: the owed realized P&L a withdrawal settled
//   funding paid         Σ ClearingHouse FundingPaymentSettled + Δ Exchange.getAllPendingFundingPayment
//   venue fees           Σ ClearingHouse PositionChanged.fee
//   gas                  Σ receipts' gasUsed × effectiveGasPrice of the scenario's transactions, in ETH
// Events count for the Safe as trader, in blocks (b0, b1].
import type { Address, Hex, PublicClient } from "viem";
import { AGGREGATOR_V3_ABI } from "../../src/chain/abis/chainlink-abi.ts";
import {
  PERP_CLEARING_HOUSE_ABI,
  PERP_EXCHANGE_ABI,
  PERP_FUNDING_SETTLED_ABI,
  PERP_VAULT_ABI,
} from "../../src/chain/abis/perp-v2-abi.ts";

export interface ChainAttributionCheck {
  fromBlock: string;
  toBlock: string;
  hedgePnlUsd: number;
  settledToCollateralUsd: number;
  /** Positive = the Safe paid funding. */
  fundingPaidUsd: number;
  venueFeesUsd: number;
  gasEth: number;
  /** The ETH/USD feed's answer at b0 and b1: gas is priced at the base price the plan was decided at, in between. */
  ethUsdAtEnds: [number, number];
}

export async function chainAttributionCheck(
  client: PublicClient,
  input: {
    fromBlock: bigint;
    toBlock: bigint;
    safe: Address;
    perp: { clearingHouse: Address; vault: Address; exchange: Address };
    ethUsdFeed: Address;
    txHashes: readonly Hex[];
  },
): Promise<ChainAttributionCheck> {
  const { fromBlock, toBlock, safe, perp } = input;
  const at = async (blockNumber: bigint) => {
    const [accountValue, balance, pendingFunding, decimals, round, feedDecimals] = await Promise.all([
      client.readContract({
        address: perp.clearingHouse,
        abi: PERP_CLEARING_HOUSE_ABI,
        functionName: "getAccountValue",
        args: [safe],
        blockNumber,
      }),
      client.readContract({
        address: perp.vault,
        abi: PERP_VAULT_ABI,
        functionName: "getBalance",
        args: [safe],
        blockNumber,
      }),
      client.readContract({
        address: perp.exchange,
        abi: PERP_EXCHANGE_ABI,
        functionName: "getAllPendingFundingPayment",
        args: [safe],
        blockNumber,
      }),
      client.readContract({
        address: perp.vault,
        abi: PERP_VAULT_ABI,
        functionName: "decimals",
        blockNumber,
      }),
      client.readContract({
        address: input.ethUsdFeed,
        abi: AGGREGATOR_V3_ABI,
        functionName: "latestRoundData",
        blockNumber,
      }),
      client.readContract({
        address: input.ethUsdFeed,
        abi: AGGREGATOR_V3_ABI,
        functionName: "decimals",
        blockNumber,
      }),
    ]);
    return {
      accountValueUsd: Number(accountValue) / 1e18,
      collateralUsd: Number(balance) / 10 ** decimals,
      pendingFundingUsd: Number(pendingFunding) / 1e18,
      vaultDecimals: decimals,
      ethUsd: Number(round[1]) / 10 ** feedDecimals,
    };
  };
  const [start, end] = await Promise.all([at(fromBlock), at(toBlock)]);
  const range = { fromBlock: fromBlock + 1n, toBlock };
  const [deposited, withdrawn, funding, trades] = await Promise.all([
    client.getContractEvents({
      address: perp.vault,
      abi: PERP_VAULT_ABI,
      eventName: "Deposited",
      args: { trader: safe },
      ...range,
    }),
    client.getContractEvents({
      address: perp.vault,
      abi: PERP_VAULT_ABI,
      eventName: "Withdrawn",
      args: { trader: safe },
      ...range,
    }),
    client.getContractEvents({
      address: perp.clearingHouse,
      abi: PERP_FUNDING_SETTLED_ABI,
      eventName: "FundingPaymentSettled",
      args: { trader: safe },
      ...range,
    }),
    client.getContractEvents({
      address: perp.clearingHouse,
      abi: PERP_CLEARING_HOUSE_ABI,
      eventName: "PositionChanged",
      args: { trader: safe },
      ...range,
    }),
  ]);
  const units = (x: bigint) => Number(x) / 10 ** end.vaultDecimals;
  const depositedUsd =
    deposited.reduce((s, e) => s + units(e.args.amount ?? 0n), 0) -
    withdrawn.reduce((s, e) => s + units(e.args.amount ?? 0n), 0);
  const receipts = await Promise.all(input.txHashes.map((hash) => client.getTransactionReceipt({ hash })));
  return {
    fromBlock: fromBlock.toString(),
    toBlock: toBlock.toString(),
    hedgePnlUsd: end.accountValueUsd - start.accountValueUsd - depositedUsd,
    settledToCollateralUsd: end.collateralUsd - start.collateralUsd - depositedUsd,
    fundingPaidUsd:
      funding.reduce((s, e) => s + Number(e.args.fundingPayment ?? 0n) / 1e18, 0) +
      end.pendingFundingUsd -
      start.pendingFundingUsd,
    venueFeesUsd: trades.reduce((s, e) => s + Number(e.args.fee ?? 0n) / 1e18, 0),
    gasEth: receipts.reduce((s, r) => s + Number(r.gasUsed * r.effectiveGasPrice) / 1e18, 0),
    ethUsdAtEnds: [start.ethUsd, end.ethUsd],
  };
}
