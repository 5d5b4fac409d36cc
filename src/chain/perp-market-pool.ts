// Which Uniswap v3 pool is a Perp v2 market: the MarketRegistry the Exchange trades through records it
// (MarketRegistry.addPool), so it is read from there rather than trusted from configuration.
import { type Address, isAddressEqual, type PublicClient, zeroAddress } from "viem";
import { PERP_EXCHANGE_ABI, PERP_MARKET_REGISTRY_ABI } from "./abis/perp-v2-abi.ts";
import { classifyChainError } from "./classify-error.ts";
import { MalformedReturnDataError } from "./errors.ts";

/** Exchange.getMarketRegistry(), then MarketRegistry.getPool(market); a market the registry lacks is an error. */
export async function readPerpMarketPool(
  client: PublicClient,
  venue: { exchange: Address; market: Address },
): Promise<{ marketRegistry: Address; pool: Address }> {
  try {
    const marketRegistry = await client.readContract({
      address: venue.exchange,
      abi: PERP_EXCHANGE_ABI,
      functionName: "getMarketRegistry",
    });
    const pool = await client.readContract({
      address: marketRegistry,
      abi: PERP_MARKET_REGISTRY_ABI,
      functionName: "getPool",
      args: [venue.market],
    });
    if (isAddressEqual(pool, zeroAddress)) {
      throw new MalformedReturnDataError("the Perp v2 MarketRegistry has no pool for the market", {
        details: { exchange: venue.exchange, marketRegistry, market: venue.market },
      });
    }
    return { marketRegistry, pool };
  } catch (error) {
    throw error instanceof MalformedReturnDataError ? error : classifyChainError(error);
  }
}
