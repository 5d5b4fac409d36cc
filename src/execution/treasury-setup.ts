import { type Address, encodeFunctionData, erc20Abi, type Hex, maxUint256 } from "viem";
import { safeAbi } from "../chain/safe-transaction.ts";
import { HEDGE_BOUNDS_ABI, HEDGE_GUARD_ABI } from "./abis.ts";
import { encodeMultiSend, type MetaTransaction } from "./multisend.ts";
import { desiredStatements } from "./role-statements.ts";
import type { TreasuryScope } from "./treasury-scope.ts";

export interface TreasurySetupInput {
  scope: TreasuryScope;
  /** Enable the Roles modifier as a Safe module (false when it already is). */
  enableRolesModule: boolean;
  /** Feeds HedgeGuard will accept, with the heartbeat each answer must be fresher than. */
  feeds: readonly { address: Address; heartbeatSec: number }[];
}

/**
 * Everything a treasury's owners sign once to let the keeper work, as one Safe batch: enable the Roles
 * modifier, set HedgeGuard's feed heartbeats and HedgeBounds' price sources, approve the venues to pull what the keeper may trade (the
 * router for each swap input, the perp vault for collateral, the Aave Pool for what is supplied or repaid), apply
 * the keeper's, guardian's (and deleverager's) permission sets with their allowances, and assign the roles. The Safe executes it by DELEGATECALL to MultiSendCallOnly.
 */
export function treasurySetupTransactions(input: TreasurySetupInput): MetaTransaction[] {
  const { scope } = input;
  const txs: MetaTransaction[] = [];
  if (input.enableRolesModule) {
    txs.push({
      to: scope.safe,
      value: 0n,
      data: encodeFunctionData({ abi: safeAbi, functionName: "enableModule", args: [scope.roles] }),
    });
  }
  for (const feed of input.feeds) {
    txs.push({
      to: scope.hedgeGuard,
      value: 0n,
      data: encodeFunctionData({
        abi: HEDGE_GUARD_ABI,
        functionName: "setFeedHeartbeat",
        args: [feed.address, BigInt(feed.heartbeatSec)],
      }),
    });
  }
  for (const source of scope.bounds.priceSources) {
    txs.push({
      to: scope.bounds.hedgeBounds,
      value: 0n,
      data: encodeFunctionData({
        abi: HEDGE_BOUNDS_ABI,
        functionName: "setPriceSource",
        args: [
          source.token,
          {
            feed: source.feed,
            heartbeatSec: source.heartbeatSec,
            feedDecimals: source.feedDecimals,
            tokenDecimals: source.tokenDecimals,
          },
        ],
      }),
    });
  }
  const approvals = new Map<string, { token: Address; spender: Address }>();
  for (const pair of scope.uniswap.swapPairs) {
    approvals.set(`${pair.tokenIn}:${scope.uniswap.swapRouter}`.toLowerCase(), {
      token: pair.tokenIn,
      spender: scope.uniswap.swapRouter,
    });
  }
  for (const token of scope.perp.collateralTokens) {
    approvals.set(`${token}:${scope.perp.vault}`.toLowerCase(), { token, spender: scope.perp.vault });
  }
  // The Aave Pool pulls what is supplied and what is repaid.
  const { aave } = scope;
  if (aave !== undefined) {
    for (const token of [...aave.collateralAssets, ...aave.borrowAssets]) {
      approvals.set(`${token}:${aave.pool}`.toLowerCase(), { token, spender: aave.pool });
    }
  }
  for (const { token, spender } of approvals.values()) {
    // The spender can only pull during a call the Safe itself makes; what the keeper may make the Safe call
    // is bounded by the Roles allowances, so the approval adds no power beyond them.
    txs.push({
      to: token,
      value: 0n,
      data: encodeFunctionData({
        abi: erc20Abi,
        functionName: "approve",
        args: [spender, maxUint256],
      }),
    });
  }
  const seen = new Set<Hex>();
  for (const statement of desiredStatements(scope)) {
    if (seen.has(statement.call.data)) continue;
    seen.add(statement.call.data);
    txs.push({ to: statement.call.to, value: 0n, data: statement.call.data });
  }
  return txs;
}

/** The batch as the one Safe transaction the owners sign: DELEGATECALL of `multiSend` on MultiSendCallOnly. */
export function asSafeBatch(
  scope: Pick<TreasuryScope, "multiSendCallOnly">,
  txs: readonly MetaTransaction[],
) {
  return { to: scope.multiSendCallOnly, value: 0n, data: encodeMultiSend(txs), operation: 1 as const };
}

/**
 * A Safe{Wallet} Transaction Builder file (the "Import batch" JSON), so owners can review and sign the batch
 * in the Safe interface without this tool.
 */
export function transactionBuilderJson(input: {
  chainId: number;
  safe: Address;
  name: string;
  description: string;
  createdAtMs: number;
  transactions: readonly MetaTransaction[];
}) {
  return {
    version: "1.0",
    chainId: String(input.chainId),
    createdAt: input.createdAtMs,
    meta: {
      name: input.name,
      description: input.description,
      txBuilderVersion: "1.16.5",
      createdFromSafeAddress: input.safe,
      createdFromOwnerAddress: "",
    },
    transactions: input.transactions.map((tx) => ({
      to: tx.to,
      value: tx.value.toString(),
      data: tx.data,
      contractMethod: null,
      contractInputsValues: null,
    })),
  };
}
