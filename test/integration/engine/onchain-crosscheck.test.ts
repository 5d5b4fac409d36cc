import { parseAbi } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChainClient } from "../../../src/chain/client.ts";
import { bookSourcesFromConfig } from "../../../src/config/adapters.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../../../src/devnet/devnet-config.ts";
import { type Devnet, startDevnet } from "../../../src/devnet/index.ts";
import { positionFeesOwed } from "../../../src/engine/fee-growth.ts";
import type { V3PoolSnapshot, V3PositionSnapshot } from "../../../src/engine/snapshot.ts";
import { positionAmounts, quoteSwap } from "../../../src/index.ts";
import { createBookIndexer } from "../../../src/indexers/book-indexer.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";

// The engine's exact math against the contracts themselves: the indexer's snapshot goes into the engine, and the
// answers must equal, to the wei, what NonfungiblePositionManager would pay (decreaseLiquidity, collect — called
// from the Safe that owns the positions) and what QuoterV2 quotes.
const NPM_ABI = parseAbi([
  "struct DecreaseLiquidityParams { uint256 tokenId; uint128 liquidity; uint256 amount0Min; uint256 amount1Min; uint256 deadline; }",
  "struct CollectParams { uint256 tokenId; address recipient; uint128 amount0Max; uint128 amount1Max; }",
  "function decreaseLiquidity(DecreaseLiquidityParams params) returns (uint256 amount0, uint256 amount1)",
  "function collect(CollectParams params) returns (uint256 amount0, uint256 amount1)",
]);
const QUOTER_ABI = parseAbi([
  "struct QuoteExactInputSingleParams { address tokenIn; address tokenOut; uint256 amountIn; uint24 fee; uint160 sqrtPriceLimitX96; }",
  "function quoteExactInputSingle(QuoteExactInputSingleParams params) returns (uint256 amountOut, uint160 sqrtPriceX96After, uint32 initializedTicksCrossed, uint256 gasEstimate)",
]);
const MAX_UINT128 = 2n ** 128n - 1n;

let devnet: Devnet;
beforeAll(async () => {
  devnet = await startDevnet({ port: await freeLoopbackPort() });
}, 120_000);
afterAll(() => devnet?.stop());

async function snapshot() {
  const m = devnet.manifest;
  const client = createChainClient({ chainId: m.chainId, rpcUrls: [devnet.rpcUrl] });
  const block = await client.getBlockNumber({ cacheTime: 0 });
  const { snapshot } = await createBookIndexer(
    client,
    bookSourcesFromConfig(devnetConfig(m, { uniswapV4Positions: true }), DEVNET_BOOK_ID),
  ).snapshotAt(block, {
    keeper: { hedgeTriggered: false, lastPlanAtSec: null },
    samples: [],
  });
  return { snapshot, block };
}

async function checkPositions() {
  const m = devnet.manifest;
  const { snapshot: book, block } = await snapshot();
  const positions = book.lpPositions.filter((p): p is V3PositionSnapshot => p.kind === "uniswap-v3");
  expect(positions.length).toBe(2);
  for (const position of positions) {
    const pool = book.pools.find(
      (p): p is V3PoolSnapshot => p.kind === "uniswap-v3" && p.address === position.pool,
    )!;
    const burn = positionAmounts({
      sqrtPriceX96: pool.sqrtPriceX96,
      tickCurrent: pool.tick,
      tickLower: position.tickLower,
      tickUpper: position.tickUpper,
      liquidity: position.liquidity,
    });
    const { result: onChainBurn } = await devnet.publicClient.simulateContract({
      account: m.contracts.treasurySafe,
      address: m.contracts.positionManager,
      abi: NPM_ABI,
      functionName: "decreaseLiquidity",
      args: [
        {
          tokenId: position.tokenId,
          liquidity: position.liquidity,
          amount0Min: 0n,
          amount1Min: 0n,
          deadline: 2n ** 40n,
        },
      ],
      blockNumber: block,
    });
    expect([burn.amount0, burn.amount1]).toEqual([...onChainBurn]);

    const fees = positionFeesOwed(position, pool, new Map(pool.ticks.map((t) => [t.tick, t])));
    const { result: onChainFees } = await devnet.publicClient.simulateContract({
      account: m.contracts.treasurySafe,
      address: m.contracts.positionManager,
      abi: NPM_ABI,
      functionName: "collect",
      args: [
        {
          tokenId: position.tokenId,
          recipient: m.contracts.treasurySafe,
          amount0Max: MAX_UINT128,
          amount1Max: MAX_UINT128,
        },
      ],
      blockNumber: block,
    });
    expect([fees.fees0, fees.fees1]).toEqual([...onChainFees]);
  }
  return positions;
}

describe("engine math against the devnet's contracts", () => {
  it("values each LP position exactly as the position manager would pay it out, fees included, before and after swaps", async () => {
    await checkPositions();
    await devnet.runScenario("eth-rally"); // swaps through the pool: fees accrue, ticks are crossed
    await checkPositions();
  });

  it("moves the price and pays out exactly as QuoterV2 quotes a swap inside the current range", async () => {
    const m = devnet.manifest;
    const { snapshot: book, block } = await snapshot();
    const pool = book.pools.find(
      (p): p is V3PoolSnapshot => p.kind === "uniswap-v3" && p.address === m.pools.usdcWeth500.address,
    )!;
    // USDC is token0: selling 1,000 USDC is zeroForOne and stays inside the current tick range.
    const amountIn = 1_000n * 10n ** 6n;
    const { result } = await devnet.publicClient.simulateContract({
      address: m.contracts.quoterV2,
      abi: QUOTER_ABI,
      functionName: "quoteExactInputSingle",
      args: [
        {
          tokenIn: m.contracts.usdc,
          tokenOut: m.contracts.weth,
          amountIn,
          fee: pool.fee,
          sqrtPriceLimitX96: 0n,
        },
      ],
      blockNumber: block,
    });
    const [amountOut, sqrtPriceX96After, ticksCrossed] = result;
    expect(ticksCrossed).toBe(0);
    // The engine's own quote (what sizes and bounds its de-peg swaps), not a re-derivation of it.
    const quote = quoteSwap(pool, true, amountIn);
    expect(quote?.sqrtPriceX96After).toBe(sqrtPriceX96After);
    expect(quote?.amountOut).toBe(amountOut);
  });
});
