// The devnet's second treasury: a Safe of its own (the same owners, 2 of 3) with its own Roles modifier, whose book
// holds spot WETH and hedges it with an Aave v3 borrow short only (supply USDC, borrow WETH, sell it). It stands
// beside the first treasury so the scenarios calibrated on that one's book (LP + perp) see the chain they always did:
// it is opened after the bootstrap, on request (startDevnet's `aaveTreasury`), and touches none of their positions.
import { type Address, encodeFunctionData, erc20Abi, type LocalAccount, parseUnits } from "viem";
import { SWAP_ROUTER_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { safeAbi } from "../chain/safe-transaction.ts";
import { encodeMultiSend } from "../execution/multisend.ts";
import { devnetAccount } from "./accounts.ts";
import { deployRolesModifier } from "./deploy-roles.ts";
import { createSafe } from "./deploy-safe.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { DevnetManifest } from "./manifest.ts";
import { poolMoveTransaction } from "./market-moves.ts";
import { mintStablecoins } from "./market-participants.ts";
import { readFeed, readPoolState } from "./market-state.ts";
import { openAaveBorrowShort } from "./starting-book-aave.ts";
import { NO_DEADLINE, sendDevnetTransaction, writeDevnetContract } from "./transactions.ts";
import { execSafeTransaction } from "./treasury-transaction.ts";

/** The first treasury's Safe and Roles use salt nonce 0, generated treasuries 1,000 and up. */
const AAVE_TREASURY_SALT_NONCE = 1n;

/**
 * The Aave treasury's starting book, in human units. Spot WETH is the exposure; the borrow short hedges 60% of it
 * (the book's target ratio). Health factor = 271,000 × 0.80 / (60 × 3,000) ≈ 1.204 at ETH 3,000 (USDC's liquidation
 * threshold 80%): at its target, with ETH able to rise 20% before liquidation. An ETH rally of 30% (eth-rally-aave)
 * takes an unattended book to 1.204 / 1.3 ≈ 0.93, under 1: the devnet liquidator takes it.
 * The sale's USDC stays in the Safe: what the keeper re-collateralises with.
 */
export const AAVE_TREASURY_BOOK = { spotWeth: 100, supplyUsdc: 271_000, borrowWeth: 60 } as const;

export interface AaveTreasury {
  safe: Address;
  roles: Address;
}

/**
 * Creates the Aave treasury on a bootstrapped devnet and opens its book: the trader (a market participant) sells it
 * its spot WETH, the owners supply USDC and borrow WETH on Aave, then sell the borrowed WETH on the USDC/WETH 0.05%
 * pool with a minimum out 1% under the ETH/USD feed; the trader then trades the pool back to where it was, as
 * an arbitrageur would, so the other books' LP and the scenarios start from the price they always did.
 */
export async function openAaveTreasury(
  client: DevnetClient,
  manifest: DevnetManifest,
): Promise<AaveTreasury> {
  const aave = manifest.aave;
  if (aave === undefined)
    throw new Error("the devnet manifest has no aave section: no Aave treasury without Aave");
  const c = manifest.contracts;
  const deployer = manifest.accounts.deployer.address;
  const trader = manifest.accounts.trader.address;
  const owners = manifest.accounts.owners.map((owner) => owner.address);
  const signers: LocalAccount[] = manifest.accounts.owners
    .slice(0, 2)
    .map((owner) => devnetAccount(owner.index));

  const safe = await createSafe(
    client,
    {
      singleton: c.safeSingleton,
      proxyFactory: c.safeProxyFactory,
      fallbackHandler: c.safeFallbackHandler,
      multiSend: c.multiSend,
      multiSendCallOnly: c.multiSendCallOnly,
    },
    deployer,
    { owners, threshold: 2, saltNonce: AAVE_TREASURY_SALT_NONCE },
  );
  const roles = await deployRolesModifier(
    client,
    { mastercopy: c.rolesMastercopy, moduleProxyFactory: c.moduleProxyFactory },
    deployer,
    { owner: safe, avatar: safe, target: safe, saltNonce: AAVE_TREASURY_SALT_NONCE },
  );
  await execSafeTransaction(client, safe, signers, {
    label: "Aave treasury: enable the Roles modifier",
    to: safe,
    data: encodeFunctionData({ abi: safeAbi, functionName: "enableModule", args: [roles] }),
  });

  const book = AAVE_TREASURY_BOOK;
  await writeDevnetContract(client, trader, {
    address: c.weth,
    abi: erc20Abi,
    functionName: "transfer",
    args: [safe, parseUnits(String(book.spotWeth), 18)],
  });
  await mintStablecoins(client, deployer, safe, { usdc: book.supplyUsdc });
  await openAaveBorrowShort(client, {
    safe,
    signers,
    multiSendCallOnly: c.multiSendCallOnly,
    pool: aave.pool,
    usdc: c.usdc,
    weth: c.weth,
    supplyUsdc: book.supplyUsdc,
    borrowWeth: book.borrowWeth,
  });

  // Sell the borrowed WETH: the short's other half. Minimum out from the feed, never from the pool.
  const pool = manifest.pools.usdcWeth500;
  const priceBefore = (await readPoolState(client, pool)).price;
  const ethUsd = await readFeed(client, manifest.feeds.ethUsd.address);
  const amountIn = parseUnits(String(book.borrowWeth), 18);
  const amountOutMinimum = parseUnits(String(Math.floor(book.borrowWeth * ethUsd.answer * 0.99)), 6);
  await execSafeTransaction(client, safe, signers, {
    label: "Aave treasury: sell the borrowed WETH for USDC",
    to: c.multiSendCallOnly,
    operation: 1,
    data: encodeMultiSend([
      {
        to: c.weth,
        value: 0n,
        data: encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [c.swapRouter, amountIn] }),
      },
      {
        to: c.swapRouter,
        value: 0n,
        data: encodeFunctionData({
          abi: SWAP_ROUTER_ABI,
          functionName: "exactInputSingle",
          args: [
            {
              tokenIn: c.weth,
              tokenOut: c.usdc,
              fee: manifest.pools.usdcWeth500.fee,
              recipient: safe,
              deadline: NO_DEADLINE,
              amountIn,
              amountOutMinimum,
              sqrtPriceLimitX96: 0n,
            },
          ],
        }),
      },
    ]),
  });
  const arbitrage = poolMoveTransaction(
    trader,
    c.swapRouter,
    pool,
    (await readPoolState(client, pool)).sqrtPriceX96,
    priceBefore,
  );
  if (arbitrage) await sendDevnetTransaction(client, "trade the USDC/WETH pool back to the feed", arbitrage);
  return { safe, roles };
}
