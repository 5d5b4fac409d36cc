import { getAddress } from "viem";
import { describe, expect, it } from "vitest";
import { bookSourcesFromConfig } from "../../../src/config/adapters.ts";
import { ConfigError } from "../../../src/config/config-error.ts";
import { resolvePerpMarketPools } from "../../../src/config/perp-market-pools.ts";
import type { HedgekeeperConfig } from "../../../src/config/schema.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../../../src/devnet/devnet-config.ts";
import { useDevnet } from "../../support/devnet.ts";

// contracts.marketPool from the chain: the devnet's Perp v2 Exchange names its MarketRegistry, whose getPool(vETH) is
// the pool the deployment created for the market. Absent, the key is filled in from it; present, it must match.
const devnet = useDevnet();

/** The devnet config with the book's perp leg's marketPool set to `pool`, or removed. */
function withMarketPool(pool: `0x${string}` | undefined): HedgekeeperConfig {
  const config = devnetConfig(devnet().manifest);
  const book = config.books[DEVNET_BOOK_ID]!;
  const leg = book.hedge!;
  const { marketPool: _, ...contracts } = leg.contracts;
  return {
    ...config,
    books: {
      ...config.books,
      [DEVNET_BOOK_ID]: {
        ...book,
        hedge: { ...leg, contracts: pool === undefined ? contracts : { ...contracts, marketPool: pool } },
      },
    },
  };
}

describe("a perp leg's market pool, read from the MarketRegistry", () => {
  it("derives the deployed market's pool when the key is absent, and the indexer reads that pool", async () => {
    const d = devnet();
    const resolved = await resolvePerpMarketPools(withMarketPool(undefined), () => d.publicClient);
    const leg = resolved.books[DEVNET_BOOK_ID]!.hedge!;
    expect(getAddress(leg.contracts.marketPool!)).toBe(getAddress(d.manifest.contracts.perp.pool));
    const reads = bookSourcesFromConfig(resolved, DEVNET_BOOK_ID).perp!.venue.positionReads(
      d.manifest.contracts.perp.baseToken,
      leg.market,
    );
    expect(reads.find((r) => r.functionName === "slot0")?.address).toBe(leg.contracts.marketPool);
  });

  it("accepts the right pool when configured, in any letter case", async () => {
    const d = devnet();
    const pool = d.manifest.contracts.perp.pool.toLowerCase() as `0x${string}`;
    const resolved = await resolvePerpMarketPools(withMarketPool(pool), () => d.publicClient);
    expect(getAddress(resolved.books[DEVNET_BOOK_ID]!.hedge!.contracts.marketPool!)).toBe(
      getAddress(d.manifest.contracts.perp.pool),
    );
  });

  it("refuses a configured pool that is not the market's, naming the key and the chain's pool", async () => {
    const d = devnet();
    // A real Uniswap v3 pool of the devnet, just not the perp market's.
    const wrong = d.manifest.pools.usdcWeth500.address;
    const attempt = resolvePerpMarketPools(withMarketPool(wrong), () => d.publicClient, {
      source: "devnet.yaml",
    });
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    const error = (await attempt.catch((e: unknown) => e)) as ConfigError;
    expect(error.source).toBe("devnet.yaml");
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0]!.path).toBe(`books.${DEVNET_BOOK_ID}.hedge.contracts.marketPool`);
    expect(error.issues[0]!.message).toContain(getAddress(d.manifest.contracts.perp.pool));
  });
});
