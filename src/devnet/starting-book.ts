import {
  type Address,
  encodeFunctionData,
  erc20Abi,
  type LocalAccount,
  maxUint256,
  parseEther,
  parseEventLogs,
  parseUnits,
  zeroHash,
} from "viem";
import { POSITION_MANAGER_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { WETH9_ABI } from "../chain/abis/weth9-abi.ts";
import { encodeMultiSend, type MetaTransaction } from "../execution/multisend.ts";
import { type PerpDeployment, perpArtifact } from "./deploy-perp.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { MAINNET_TOKENS } from "./mainnet-addresses.ts";
import { type DevnetPool, encodeMintPosition, type PoolKey } from "./pools.ts";
import { NO_DEADLINE } from "./transactions.ts";
import { execSafeTransaction } from "./treasury-transaction.ts";

/** The treasury's book at the start, in human units. */
export const STARTING_BOOK = {
  eth: 500,
  reserves: { usdc: 2_000_000, usdt: 1_000_000, dai: 1_000_000 },
  ethLp: { weth: 100, usdc: 300_000, lowerPrice: 2_400, upperPrice: 3_750 },
  stableLp: { dai: 200_000, usdc: 200_000, lowerPrice: 0.995, upperPrice: 1.005 },
  perpCollateralUsdc: 300_000,
  /** Share of the ETH LP's delta (its ETH amount) that the vETH short hedges. */
  hedgeRatio: 0.6,
} as const;

/**
 * The vETH short that hedges `hedgeRatio` of `ethInLp` (wei). Perp amounts are 18-decimal vETH; the hedge is rounded
 * to 0.001 ETH so the book is the same on every run.
 */
export function vethShortSize(ethInLp: bigint, hedgeRatio: number): bigint {
  return ((ethInLp * BigInt(Math.round(hedgeRatio * 1000))) / 1000n / 10n ** 15n) * 10n ** 15n;
}

export interface StartingBook {
  lpTokenIds: bigint[];
}

/**
 * Builds the treasury's starting book through the Safe itself, with owner-signed transactions: wrap ETH, approve,
 * mint the WETH/USDC and DAI/USDC LP positions, deposit USDC in the perp vault (one MetaTransactionOnly batch);
 * then open a vETH short sized to `hedgeRatio` of the ETH the LP actually took.
 */
export async function buildStartingBook(
  client: DevnetClient,
  setup: {
    safe: Address;
    signers: readonly LocalAccount[];
    multiSendCallOnly: Address;
    positionManager: Address;
    pools: Record<PoolKey, DevnetPool>;
    perp: PerpDeployment;
    /** The chain's token address book (default mainnet's). */
    tokens?: Readonly<Record<keyof typeof MAINNET_TOKENS, Address>>;
  },
): Promise<StartingBook> {
  const book = STARTING_BOOK;
  const tokens = setup.tokens ?? MAINNET_TOKENS;
  const approve = (token: Address, spender: Address): MetaTransaction => ({
    to: token,
    value: 0n,
    data: encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [spender, maxUint256] }),
  });
  const calls: MetaTransaction[] = [
    {
      to: tokens.weth,
      value: parseEther(String(book.ethLp.weth)),
      data: encodeFunctionData({ abi: WETH9_ABI, functionName: "deposit" }),
    },
    approve(tokens.weth, setup.positionManager),
    approve(tokens.usdc, setup.positionManager),
    approve(tokens.dai, setup.positionManager),
    approve(tokens.usdc, setup.perp.vault),
    {
      to: setup.positionManager,
      value: 0n,
      data: encodeMintPosition(setup.pools.usdcWeth500, {
        lowerPrice: book.ethLp.lowerPrice,
        upperPrice: book.ethLp.upperPrice,
        baseAmount: book.ethLp.weth,
        quoteAmount: book.ethLp.usdc,
        recipient: setup.safe,
      }),
    },
    {
      to: setup.positionManager,
      value: 0n,
      data: encodeMintPosition(setup.pools.daiUsdc100, {
        lowerPrice: book.stableLp.lowerPrice,
        upperPrice: book.stableLp.upperPrice,
        baseAmount: book.stableLp.dai,
        quoteAmount: book.stableLp.usdc,
        recipient: setup.safe,
      }),
    },
    {
      to: setup.perp.vault,
      value: 0n,
      data: encodeFunctionData({
        abi: perpArtifact("Vault").abi,
        functionName: "deposit",
        args: [tokens.usdc, parseUnits(String(book.perpCollateralUsdc), 6)],
      }),
    },
  ];
  const hash = await execSafeTransaction(client, setup.safe, setup.signers, {
    label: "starting book: LP positions and perp collateral",
    to: setup.multiSendCallOnly,
    data: encodeMultiSend(calls),
    operation: 1,
  });
  const receipt = await client.publicClient.getTransactionReceipt({ hash });
  const minted = parseEventLogs({
    abi: POSITION_MANAGER_ABI,
    eventName: "IncreaseLiquidity",
    logs: receipt.logs,
  });
  const ethLp = minted[0];
  if (minted.length !== 2 || !ethLp) throw new Error("the starting book did not mint its two LP positions");
  const wethInLp = setup.pools.usdcWeth500.baseIsToken0 ? ethLp.args.amount0 : ethLp.args.amount1;

  await openStartingShort(client, setup.safe, setup, {
    label: "starting book: vETH short",
    size: vethShortSize(wethInLp, book.hedgeRatio),
  });
  return { lpTokenIds: minted.map((log) => log.args.tokenId) };
}

/** The Safe opens a vETH short of `size` (18 decimals) at market: the starting book's hedge of the ETH it put in LP. */
export async function openStartingShort(
  client: DevnetClient,
  safe: Address,
  setup: {
    signers: readonly LocalAccount[];
    perp: Pick<PerpDeployment, "clearingHouse" | "baseToken">;
  },
  short: { label: string; size: bigint },
): Promise<void> {
  await execSafeTransaction(client, safe, setup.signers, {
    label: short.label,
    to: setup.perp.clearingHouse,
    data: encodeFunctionData({
      abi: perpArtifact("ClearingHouse").abi,
      functionName: "openPosition",
      args: [
        {
          baseToken: setup.perp.baseToken,
          isBaseToQuote: true,
          isExactInput: true,
          amount: short.size,
          oppositeAmountBound: 0n,
          deadline: NO_DEADLINE,
          sqrtPriceLimitX96: 0n,
          referralCode: zeroHash,
        },
      ],
    }),
  });
}
