// Many treasuries, many books: N Safes next to the devnet treasury, each holding LP positions spread across the
// devnet's three v3 pools, and M books per Safe (devnetConfigWithGeneratedBooks writes them into the configuration).
// What scale tests and `npm run bench:scale` watch: the keeper at a thousand books on one network.
import { type Address, parseEventLogs } from "viem";
import { POSITION_MANAGER_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { createSafe, type SafeStack } from "./deploy-safe.ts";
import type { DevnetClient } from "./devnet-client.ts";
import type { DevnetManifest } from "./manifest.ts";
import { readPoolPrice } from "./market-state.ts";
import { encodeMintPosition, type PoolKey } from "./pools.ts";
import { type LabelledTransaction, sendInOneBlock, withManualMining } from "./transactions.ts";

export interface ManyBooksShape {
  treasuries: number;
  booksPerTreasury: number;
  /** LP positions minted into each treasury's Safe, dealt round-robin across the pools. */
  positionsPerTreasury: number;
}

export interface GeneratedTreasury {
  treasuryId: string;
  safe: Address;
  lpTokenIds: bigint[];
  bookIds: string[];
}

/** Salt nonces of generated Safes start here (the devnet treasury's is 0). */
const FIRST_SALT_NONCE = 1_000n;
/** What one mint may use (a new position in an initialized pool takes ~500k). */
const MINT_GAS = 700_000n;
/** Transactions per block stay under the devnet's 30M block gas limit. */
const BLOCK_GAS = 29_000_000n;
const POOL_ORDER: readonly PoolKey[] = ["usdcWeth500", "daiUsdc100", "usdcUsdt100"];
/** Half-widths of the generated ranges around the price: positions differ, so their bound ticks do too. */
const RANGE_HALF_WIDTHS = [0.02, 0.05, 0.1, 0.2, 0.35] as const;

export const generatedTreasuryId = (treasury: number) => `generated-${treasury}`;
export const generatedBookId = (treasury: number, book: number) => `generated-${treasury}-book-${book}`;

/**
 * Creates `shape.treasuries` Safes (the devnet owners, 2 of 3, like the devnet treasury) and mints their positions
 * from the maker, whose bootstrap left it funded and approved on the position manager. Mints go several to a block.
 */
export async function generateManyBooks(
  client: DevnetClient,
  manifest: DevnetManifest,
  shape: ManyBooksShape,
): Promise<GeneratedTreasury[]> {
  for (const [key, value] of Object.entries(shape)) {
    if (!Number.isInteger(value) || value < 1)
      throw new RangeError(`${key} must be a positive integer, got ${value}`);
  }
  const c = manifest.contracts;
  const stack: SafeStack = {
    singleton: c.safeSingleton,
    proxyFactory: c.safeProxyFactory,
    fallbackHandler: c.safeFallbackHandler,
    multiSend: c.multiSend,
    multiSendCallOnly: c.multiSendCallOnly,
  };
  const owners = manifest.accounts.owners.map((owner) => owner.address);
  const safes: Address[] = [];
  for (let t = 0; t < shape.treasuries; t += 1) {
    safes.push(
      await createSafe(client, stack, manifest.accounts.deployer.address, {
        owners,
        threshold: 2,
        saltNonce: FIRST_SALT_NONCE + BigInt(t),
      }),
    );
  }

  const prices = Object.fromEntries(
    await Promise.all(
      POOL_ORDER.map(async (key) => [key, await readPoolPrice(client, manifest.pools[key])] as const),
    ),
  ) as Record<PoolKey, number>;
  const mints: (LabelledTransaction & { treasury: number })[] = [];
  for (const [t, safe] of safes.entries()) {
    for (let p = 0; p < shape.positionsPerTreasury; p += 1) {
      const key = POOL_ORDER[(t + p) % POOL_ORDER.length]!;
      const pool = manifest.pools[key];
      const price = prices[key];
      const halfWidth = RANGE_HALF_WIDTHS[(t * shape.positionsPerTreasury + p) % RANGE_HALF_WIDTHS.length]!;
      // Small positions, about $2,000 a side: enough to have value and delta, not to move the pools.
      const volatile = key === "usdcWeth500";
      mints.push({
        treasury: t,
        label: `mint position ${p} of ${generatedTreasuryId(t)} in ${key}`,
        from: manifest.accounts.maker.address,
        to: c.positionManager,
        gas: MINT_GAS,
        data: encodeMintPosition(pool, {
          lowerPrice: price * (1 - halfWidth),
          upperPrice: price * (1 + halfWidth),
          baseAmount: volatile ? 2_000 / price : 2_000,
          quoteAmount: 2_000,
          recipient: safe,
        }),
      });
    }
  }
  const firstBlock = (await client.publicClient.getBlockNumber()) + 1n;
  await withManualMining(client, async () => {
    const perBlock = Number(BLOCK_GAS / MINT_GAS);
    for (let from = 0; from < mints.length; from += perBlock) {
      await sendInOneBlock(client, mints.slice(from, from + perBlock));
    }
  });
  // The token ids, from the position manager's own Transfer events (mint: from the zero address to the Safe).
  const logs = await client.publicClient.getContractEvents({
    address: c.positionManager,
    abi: POSITION_MANAGER_ABI,
    eventName: "Transfer",
    fromBlock: firstBlock,
    strict: true,
  });
  const minted = parseEventLogs({ abi: POSITION_MANAGER_ABI, eventName: "Transfer", logs });
  return safes.map((safe, t) => ({
    treasuryId: generatedTreasuryId(t),
    safe,
    lpTokenIds: minted.filter((log) => log.args.to === safe).map((log) => log.args.tokenId),
    bookIds: Array.from({ length: shape.booksPerTreasury }, (_, b) => generatedBookId(t, b)),
  }));
}
