import type { Hash } from "viem";
import { STATE_VIEW_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { DevnetManifest } from "./manifest.ts";
import { poolMoveTransaction, v4PoolMoveTransaction } from "./market-moves.ts";
import { readPoolState, type StateAt } from "./market-state.ts";
import { type MarketReference, poolArbitrage } from "./pool-arbitrage.ts";
import type { PoolKey } from "./pools.ts";
import { V4_POOLS_FOLLOWING, v4PoolOfManifest } from "./pools-v4.ts";
import { quoteFromSqrtPriceX96 } from "./price-math.ts";
import { ScenarioError } from "./scenario.ts";
import { DevnetTransactionError, type LabelledTransaction, sendDevnetTransaction } from "./transactions.ts";

// The devnet's arbitrageur: a market participant that trades each pool back to the edge of its no-arbitrage band
// around the market reference (pool-arbitrage.ts), as mainnet's arbitrageurs do within a block or two. It trades
// from the manifest's trader account, which holds every token and has approved both routers.

const POOL_KEYS: readonly PoolKey[] = ["usdcWeth500", "daiUsdc100", "usdcUsdt100"];

/** One arbitrage swap queued for a block: which pool, from what price, to which band edge. */
export interface ArbitrageSwap {
  pool: string;
  fromPrice: number;
  toPrice: number;
}

/** The arbitrage queued for the block about to be mined; `confirm` once it is mined. */
export interface QueuedArbitrage {
  swaps: ArbitrageSwap[];
  /** Fails with the first swap that reverted (the block must be mined). */
  confirm(): Promise<void>;
}

/** A pool the arbitrageur watches, its price at the last mined block and in the pending one, and its fee. */
interface WatchedPool {
  name: string;
  follows: PoolKey;
  feePips: number;
  latest: { price: number; sqrtPriceX96: bigint };
  pending: { price: number; sqrtPriceX96: bigint };
  trade(pendingSqrtPriceX96: bigint, price: number): LabelledTransaction | undefined;
}

/**
 * Sends (without mining) the arbitrageur's swaps for the block about to be mined: each v3 pool, and each v4 pool
 * following one, whose price lies outside its band around `reference` is swapped to the band's edge. Pools of
 * `moved` (and their v4 followers) are left alone: that block's own step sets their price.
 *
 * A pool is traded only when it is outside the band at the last mined block and still on that side in the pending
 * state, and the swap is built from the pending state: so a trade mined in block N (a keeper's) is arbitraged in
 * block N + 1, as on mainnet, and a transaction already queued for the block cannot turn the swap's direction.
 * Call it before queuing the block's own transactions: the trader's nonce then orders the swaps first.
 */
export async function queueArbitrage(
  client: DevnetClient,
  manifest: DevnetManifest,
  reference: MarketReference,
  moved: readonly PoolKey[],
): Promise<QueuedArbitrage> {
  const watched = await readWatchedPools(
    client,
    manifest,
    POOL_KEYS.filter((key) => !moved.includes(key)),
  );
  const transactions: LabelledTransaction[] = [];
  const swaps: ArbitrageSwap[] = [];
  for (const pool of watched) {
    const market = reference.get(pool.follows);
    if (market === undefined)
      throw new ScenarioError(`the market reference has no price for ${pool.follows}`);
    const seen = poolArbitrage(pool.latest.price, market, pool.feePips);
    const now = poolArbitrage(pool.pending.price, market, pool.feePips);
    if (seen === undefined || now === undefined || seen.direction !== now.direction) continue;
    const trade = pool.trade(pool.pending.sqrtPriceX96, now.targetPrice);
    if (trade === undefined) continue;
    transactions.push({ ...trade, label: `arbitrage ${pool.name}: ${trade.label}` });
    swaps.push({ pool: pool.name, fromPrice: pool.pending.price, toPrice: now.targetPrice });
  }
  const hashes: Hash[] = [];
  for (const tx of transactions) hashes.push(await sendDevnetTransaction(client, tx.label, tx));
  return {
    swaps,
    async confirm() {
      const receipts = await Promise.all(
        hashes.map((hash) => client.publicClient.getTransactionReceipt({ hash })),
      );
      const failed = receipts.findIndex((receipt) => receipt.status !== "success");
      if (failed !== -1) throw new DevnetTransactionError(`${transactions[failed]?.label} reverted`);
    },
  };
}

/** The v3 pools `keys` and the v4 pools following them, read at the last mined block and at pending. */
async function readWatchedPools(
  client: DevnetClient,
  manifest: DevnetManifest,
  keys: readonly PoolKey[],
): Promise<WatchedPool[]> {
  const trader = manifest.accounts.trader.address;
  const v3 = keys.map(async (key): Promise<WatchedPool> => {
    const pool = manifest.pools[key];
    const [latest, pending] = await Promise.all([
      readPoolState(client, pool, "latest"),
      readPoolState(client, pool, "pending"),
    ]);
    return {
      name: key,
      follows: key,
      feePips: pool.fee,
      latest,
      pending,
      trade: (current, price) =>
        poolMoveTransaction(trader, manifest.contracts.swapRouter, pool, current, price),
    };
  });
  const v4 = manifest.uniswapV4;
  const followers =
    v4 === undefined
      ? []
      : keys.flatMap((key) =>
          V4_POOLS_FOLLOWING[key].map(async (name): Promise<WatchedPool> => {
            const pool = v4PoolOfManifest(v4.pools[name]);
            const slot0 = (at: StateAt) =>
              client.publicClient.readContract({
                address: v4.stateView,
                abi: STATE_VIEW_ABI,
                functionName: "getSlot0",
                args: [pool.poolId],
                blockTag: at,
              });
            const [[latestSqrt, , , lpFee], [pendingSqrt]] = await Promise.all([
              slot0("latest"),
              slot0("pending"),
            ]);
            return {
              name: `v4 ${name}`,
              follows: key,
              // slot0's LP fee: the static fee, or what the hook last set on a dynamic-fee pool.
              feePips: lpFee,
              latest: { price: quoteFromSqrtPriceX96(pool, latestSqrt), sqrtPriceX96: latestSqrt },
              pending: { price: quoteFromSqrtPriceX96(pool, pendingSqrt), sqrtPriceX96: pendingSqrt },
              trade: (current, price) => v4PoolMoveTransaction(trader, v4.poolSwapTest, pool, current, price),
            };
          }),
        );
  return Promise.all([...v3, ...followers]);
}
