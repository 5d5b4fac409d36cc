// The hedged item's attribution terms over a scenario recomputed from the chain alone, apart from the history, the
// indexers and src/performance: what the demo's test checks the report's delta, IL / gamma and fees terms against
// (issue 19: "each term is checked against an independent computation"). Only the engine's contract-math
// primitives are shared (TickMath, LiquidityAmounts, fee growth: each tested against the Uniswap SDKs / contracts).
//
// At every sample block b_i of the scenario (the report's own steps), read AT that block:
//   S_i          the ETH/USD feed's answer; each token at its feed (WETH and native ETH at ETH/USD)
//   LP_i         Σ positions' token amounts (LiquidityAmounts.getAmountsForLiquidity at the pool's √P) × USD price
//   fees_i       Σ positions' uncollected fees × USD price: v3 tokensOwed + L·(feeGrowthInside − last)/2^128,
//                fee growth inside from feeGrowthGlobal and the bound ticks' feeGrowthOutside (whitepaper §6.3);
//                v4 the same from StateView.getPositionInfo and getFeeGrowthInside (v4 has no tokensOwed)
//   δ_i          base held by the positions, fees included (the LP's ∂value/∂S); spot_i the Safe's WETH
// and over the steps, as the report defines its terms (src/performance/attribution.ts):
//   delta  = Σ (δ_{i−1} + spot_{i−1}) · (S_i − S_{i−1})
//   gamma  = Σ (LP_i − LP_{i−1} − δ_{i−1} · (S_i − S_{i−1})) + principal withdrawn
//                                                              IL / LVR against holding the LP's own delta
//   fees   = fees_last − fees_first + fees collected in between
// A withdrawal mid-period (the de-peg scenario's v4 withdrawal: ModifyLiquidity with liquidityDelta < 0, or v3
// DecreaseLiquidity + Collect) pays out principal and the fees accrued: the fees it collected are earned (read as
// L_before · (feeGrowthInsideLast_after − last_before) / 2^128 for v4, Collect − DecreaseLiquidity amounts for v3),
// and the principal it paid out is a transfer out of the LP, not a loss: added back in gamma and reported apart
// (withdrawnPrincipalUsd), both valued at the feeds' answers at the withdrawal's block. The principal is read here
// from the withdrawn liquidity at the pool's √P when it was withdrawn (LiquidityAmounts; the √P the last swap before
// it in its block left, else the previous block's), apart from the keeper, which reads it from the receipt's
// Transfers less the fees (src/execution/v4-withdrawal-payout.ts).
import { type Address, erc20Abi, type Hex, type PublicClient, zeroAddress } from "viem";
import { AGGREGATOR_V3_ABI } from "../../src/chain/abis/chainlink-abi.ts";
import { POSITION_MANAGER_ABI, UNISWAP_V3_POOL_ABI } from "../../src/chain/abis/uniswap-v3-abi.ts";
import {
  POOL_MANAGER_V4_ABI,
  STATE_VIEW_ABI,
  V4_POSITION_MANAGER_ABI,
} from "../../src/chain/abis/uniswap-v4-abi.ts";
import type { DevnetManifest } from "../../src/devnet/manifest.ts";
import { feesOwed, getFeeGrowthInside } from "../../src/engine/fee-growth.ts";
import { getAmountsForLiquidity } from "../../src/engine/liquidity-amounts.ts";
import { sqrtRatioAtValidTick } from "../../src/engine/tick-math.ts";
import { computeV4PoolId, decodePositionInfo, v4PositionSalt } from "../../src/indexers/uniswap-v4-reads.ts";

export interface ChainLpTermsCheck {
  /** The sample blocks read (the report's steps). */
  blocks: number;
  deltaUsd: number;
  /** As the report defines it: ΔLP with a withdrawal's principal added back (withdrawnPrincipalUsd), − δ·ΔS. */
  gammaUsd: number;
  /** Δ uncollected fees plus the fees withdrawals collected. */
  feesEarnedUsd: number;
  /** The fees withdrawals collected in the period (in feesEarnedUsd). */
  feesCollectedUsd: number;
  /** The principal withdrawals paid out of the positions in the period, USD at their blocks (≥ 0). */
  withdrawnPrincipalUsd: number;
  /** LP value (without fees) and fees owed at the first and last sample block. */
  lpValueUsdAtEnds: [number, number];
  feesOwedUsdAtEnds: [number, number];
}

export interface LpTermsSources {
  safe: Address;
  weth: Address;
  /** Lower-cased token address (address(0) = native ETH) → its Chainlink USD feed. */
  feedByToken: Record<string, Address>;
  ethUsdFeed: Address;
  v3: { positionManager: Address; factoryPools: readonly Address[]; tokenIds: readonly bigint[] };
  v4: {
    positionManager: Address;
    stateView: Address;
    poolManager: Address;
    tokenIds: readonly bigint[];
  } | null;
}

const Q128 = 1n << 128n;

interface PositionAt {
  token0: string;
  token1: string;
  amount0: bigint;
  amount1: bigint;
  fees0: bigint;
  fees1: bigint;
}

interface StaticPosition {
  kind: "v3" | "v4";
  tokenId: bigint;
  token0: string;
  token1: string;
  tickLower: number;
  tickUpper: number;
  /** v3: the pool's address; v4: its pool id. */
  pool: Address | Hex;
}

export async function chainLpTermsCheck(
  client: PublicClient,
  input: { blocks: readonly bigint[]; sources: LpTermsSources },
): Promise<ChainLpTermsCheck> {
  const { blocks, sources } = input;
  if (blocks.length < 2)
    throw new Error(`blocks: the check needs at least 2 sample blocks, got ${blocks.length}`);
  const first = blocks[0]!;
  const last = blocks[blocks.length - 1]!;
  const statics = await staticPositions(client, sources, first);
  const decimals = new Map<string, number>([[zeroAddress, 18]]);
  for (const p of statics)
    for (const token of [p.token0, p.token1])
      if (!decimals.has(token))
        decimals.set(
          token,
          await client.readContract({ address: token as Address, abi: erc20Abi, functionName: "decimals" }),
        );
  const units = (token: string, amount: bigint) => Number(amount) / 10 ** decimals.get(token)!;
  const isBase = (token: string) => token === zeroAddress || token === sources.weth.toLowerCase();

  const usdPricesAt = async (blockNumber: bigint) => {
    const prices = new Map<string, number>();
    await Promise.all(
      Object.entries(sources.feedByToken).map(async ([token, feed]) => {
        const [round, feedDecimals] = await Promise.all([
          client.readContract({
            address: feed,
            abi: AGGREGATOR_V3_ABI,
            functionName: "latestRoundData",
            blockNumber,
          }),
          client.readContract({
            address: feed,
            abi: AGGREGATOR_V3_ABI,
            functionName: "decimals",
            blockNumber,
          }),
        ]);
        prices.set(token.toLowerCase(), Number(round[1]) / 10 ** feedDecimals);
      }),
    );
    return prices;
  };
  const ethFeedToken = Object.entries(sources.feedByToken).find(
    ([, feed]) => feed.toLowerCase() === sources.ethUsdFeed.toLowerCase(),
  );
  if (ethFeedToken === undefined) throw new Error("feedByToken: no token is priced at the ETH/USD feed");

  const at = async (blockNumber: bigint) => {
    const [prices, positions, spotWeth] = await Promise.all([
      usdPricesAt(blockNumber),
      Promise.all(statics.map((p) => positionAt(client, sources, p, blockNumber))),
      client.readContract({
        address: sources.weth,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [sources.safe],
        blockNumber,
      }),
    ]);
    const usd = (token: string) => {
      const price = prices.get(token);
      if (price === undefined) throw new Error(`feedByToken: no USD feed for token ${token}`);
      return price;
    };
    let lpValueUsd = 0;
    let feesOwedUsd = 0;
    let lpDeltaBase = 0;
    for (const p of positions) {
      lpValueUsd += units(p.token0, p.amount0) * usd(p.token0) + units(p.token1, p.amount1) * usd(p.token1);
      feesOwedUsd += units(p.token0, p.fees0) * usd(p.token0) + units(p.token1, p.fees1) * usd(p.token1);
      if (isBase(p.token0)) lpDeltaBase += units(p.token0, p.amount0 + p.fees0);
      if (isBase(p.token1)) lpDeltaBase += units(p.token1, p.amount1 + p.fees1);
    }
    return {
      basePriceUsd: usd(ethFeedToken[0].toLowerCase()),
      lpValueUsd,
      feesOwedUsd,
      lpDeltaBase,
      spotBase: Number(spotWeth) / 1e18,
      usd,
    };
  };

  const points = [];
  for (const b of blocks) points.push(await at(b));
  let deltaUsd = 0;
  let gammaUsd = 0;
  for (let i = 1; i < points.length; i++) {
    const from = points[i - 1]!;
    const to = points[i]!;
    const dS = to.basePriceUsd - from.basePriceUsd;
    deltaUsd += (from.lpDeltaBase + from.spotBase) * dS;
    gammaUsd += to.lpValueUsd - from.lpValueUsd - from.lpDeltaBase * dS;
  }
  const withdrawals = await withdrawalsIn(client, sources, statics, first, last);
  let feesCollectedUsd = 0;
  let withdrawnPrincipalUsd = 0;
  for (const w of withdrawals) {
    const prices = await at(w.blockNumber);
    feesCollectedUsd +=
      units(w.token0, w.fees0) * prices.usd(w.token0) + units(w.token1, w.fees1) * prices.usd(w.token1);
    withdrawnPrincipalUsd +=
      units(w.token0, w.principal0) * prices.usd(w.token0) +
      units(w.token1, w.principal1) * prices.usd(w.token1);
  }
  const start = points[0]!;
  const end = points[points.length - 1]!;
  return {
    blocks: blocks.length,
    deltaUsd,
    // The principal left the LP for the Safe: a transfer, not IL (src/performance/attribution.ts).
    gammaUsd: gammaUsd + withdrawnPrincipalUsd,
    feesEarnedUsd: end.feesOwedUsd - start.feesOwedUsd + feesCollectedUsd,
    feesCollectedUsd,
    withdrawnPrincipalUsd,
    lpValueUsdAtEnds: [start.lpValueUsd, end.lpValueUsd],
    feesOwedUsdAtEnds: [start.feesOwedUsd, end.feesOwedUsd],
  };
}

/** Each position's tokens, range and pool, read once at the period's first block (they never change). */
async function staticPositions(
  client: PublicClient,
  sources: LpTermsSources,
  blockNumber: bigint,
): Promise<StaticPosition[]> {
  const out: StaticPosition[] = [];
  for (const tokenId of sources.v3.tokenIds) {
    const p = await client.readContract({
      address: sources.v3.positionManager,
      abi: POSITION_MANAGER_ABI,
      functionName: "positions",
      args: [tokenId],
      blockNumber,
    });
    const [, , token0, token1, fee, tickLower, tickUpper] = p;
    const pool = await v3PoolOf(client, sources.v3.factoryPools, token0, token1, fee);
    out.push({
      kind: "v3",
      tokenId,
      token0: token0.toLowerCase(),
      token1: token1.toLowerCase(),
      tickLower,
      tickUpper,
      pool,
    });
  }
  for (const tokenId of sources.v4?.tokenIds ?? []) {
    const [key, info] = await client.readContract({
      address: sources.v4!.positionManager,
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "getPoolAndPositionInfo",
      args: [tokenId],
      blockNumber,
    });
    const decoded = decodePositionInfo(info);
    out.push({
      kind: "v4",
      tokenId,
      token0: key.currency0.toLowerCase(),
      token1: key.currency1.toLowerCase(),
      tickLower: decoded.tickLower,
      tickUpper: decoded.tickUpper,
      pool: computeV4PoolId(key),
    });
  }
  return out;
}

async function v3PoolOf(
  client: PublicClient,
  pools: readonly Address[],
  token0: Address,
  token1: Address,
  fee: number,
): Promise<Address> {
  for (const pool of pools) {
    const [t0, t1, f] = await Promise.all([
      client.readContract({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "token0" }),
      client.readContract({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "token1" }),
      client.readContract({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName: "fee" }),
    ]);
    if (t0.toLowerCase() === token0.toLowerCase() && t1.toLowerCase() === token1.toLowerCase() && f === fee)
      return pool;
  }
  throw new Error(`v3.factoryPools: no pool for ${token0}/${token1} fee ${fee}`);
}

async function positionAt(
  client: PublicClient,
  sources: LpTermsSources,
  p: StaticPosition,
  blockNumber: bigint,
): Promise<PositionAt> {
  const sqrtLower = sqrtRatioAtValidTick(p.tickLower);
  const sqrtUpper = sqrtRatioAtValidTick(p.tickUpper);
  if (p.kind === "v3") {
    const pool = p.pool as Address;
    const read = <F extends "slot0" | "feeGrowthGlobal0X128" | "feeGrowthGlobal1X128">(functionName: F) =>
      client.readContract({ address: pool, abi: UNISWAP_V3_POOL_ABI, functionName, blockNumber });
    const [position, slot0, global0, global1, lower, upper] = await Promise.all([
      client.readContract({
        address: sources.v3.positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "positions",
        args: [p.tokenId],
        blockNumber,
      }),
      read("slot0"),
      read("feeGrowthGlobal0X128"),
      read("feeGrowthGlobal1X128"),
      client.readContract({
        address: pool,
        abi: UNISWAP_V3_POOL_ABI,
        functionName: "ticks",
        args: [p.tickLower],
        blockNumber,
      }),
      client.readContract({
        address: pool,
        abi: UNISWAP_V3_POOL_ABI,
        functionName: "ticks",
        args: [p.tickUpper],
        blockNumber,
      }),
    ]);
    const [sqrtPriceX96, tick] = slot0 as unknown as [bigint, number];
    const liquidity = position[7];
    const inside = getFeeGrowthInside({
      tickLower: p.tickLower,
      tickUpper: p.tickUpper,
      tickCurrent: tick,
      feeGrowthGlobal0X128: global0 as bigint,
      feeGrowthGlobal1X128: global1 as bigint,
      lowerFeeGrowthOutside0X128: lower[2],
      lowerFeeGrowthOutside1X128: lower[3],
      upperFeeGrowthOutside0X128: upper[2],
      upperFeeGrowthOutside1X128: upper[3],
    });
    const fees = feesOwed({
      liquidity,
      ...inside,
      feeGrowthInside0LastX128: position[8],
      feeGrowthInside1LastX128: position[9],
      tokensOwed0: position[10],
      tokensOwed1: position[11],
    });
    const amounts = getAmountsForLiquidity(sqrtPriceX96, sqrtLower, sqrtUpper, liquidity);
    return { token0: p.token0, token1: p.token1, ...amounts, ...fees };
  }
  const v4 = sources.v4!;
  const poolId = p.pool as Hex;
  const [state, inside, slot0] = await Promise.all([
    v4PositionState(client, v4, p, blockNumber),
    client.readContract({
      address: v4.stateView,
      abi: STATE_VIEW_ABI,
      functionName: "getFeeGrowthInside",
      args: [poolId, p.tickLower, p.tickUpper],
      blockNumber,
    }),
    client.readContract({
      address: v4.stateView,
      abi: STATE_VIEW_ABI,
      functionName: "getSlot0",
      args: [poolId],
      blockNumber,
    }),
  ]);
  const fees = feesOwed({
    liquidity: state.liquidity,
    feeGrowthInside0X128: inside[0],
    feeGrowthInside1X128: inside[1],
    feeGrowthInside0LastX128: state.last0,
    feeGrowthInside1LastX128: state.last1,
    tokensOwed0: 0n,
    tokensOwed1: 0n,
  });
  const amounts = getAmountsForLiquidity(slot0[0], sqrtLower, sqrtUpper, state.liquidity);
  return { token0: p.token0, token1: p.token1, ...amounts, ...fees };
}

async function v4PositionState(
  client: PublicClient,
  v4: NonNullable<LpTermsSources["v4"]>,
  p: StaticPosition,
  blockNumber: bigint,
): Promise<{ liquidity: bigint; last0: bigint; last1: bigint }> {
  const [liquidity, last0, last1] = await client.readContract({
    address: v4.stateView,
    abi: STATE_VIEW_ABI,
    functionName: "getPositionInfo",
    args: [p.pool as Hex, v4.positionManager, p.tickLower, p.tickUpper, v4PositionSalt(p.tokenId)],
    blockNumber,
  });
  return { liquidity, last0, last1 };
}

interface Withdrawal {
  blockNumber: bigint;
  token0: string;
  token1: string;
  principal0: bigint;
  principal1: bigint;
  fees0: bigint;
  fees1: bigint;
}

/** Every liquidity decrease of the positions in blocks (first, last]: principal paid out and fees collected. */
async function withdrawalsIn(
  client: PublicClient,
  sources: LpTermsSources,
  statics: readonly StaticPosition[],
  first: bigint,
  last: bigint,
): Promise<Withdrawal[]> {
  const range = { fromBlock: first + 1n, toBlock: last };
  const out: Withdrawal[] = [];
  for (const p of statics.filter((s) => s.kind === "v3")) {
    const [decreases, collects] = await Promise.all([
      client.getContractEvents({
        address: sources.v3.positionManager,
        abi: POSITION_MANAGER_ABI,
        eventName: "DecreaseLiquidity",
        args: { tokenId: p.tokenId },
        ...range,
      }),
      client.getContractEvents({
        address: sources.v3.positionManager,
        abi: POSITION_MANAGER_ABI,
        eventName: "Collect",
        args: { tokenId: p.tokenId },
        ...range,
      }),
    ]);
    // v3 credits a decrease's principal to tokensOwed; Collect pays principal and fees out together: the fees it
    // collected are what it paid beyond the principal decreases credited (counted at the collect's block).
    let principal0 = 0n;
    let principal1 = 0n;
    for (const d of decreases) {
      principal0 += d.args.amount0 ?? 0n;
      principal1 += d.args.amount1 ?? 0n;
    }
    for (const c of collects) {
      const paid0 = c.args.amount0 ?? 0n;
      const paid1 = c.args.amount1 ?? 0n;
      const p0 = paid0 < principal0 ? paid0 : principal0;
      const p1 = paid1 < principal1 ? paid1 : principal1;
      principal0 -= p0;
      principal1 -= p1;
      out.push({
        blockNumber: c.blockNumber,
        token0: p.token0,
        token1: p.token1,
        principal0: p0,
        principal1: p1,
        fees0: paid0 - p0,
        fees1: paid1 - p1,
      });
    }
  }
  const v4 = sources.v4;
  if (v4 !== null) {
    for (const p of statics.filter((s) => s.kind === "v4")) {
      const events = await client.getContractEvents({
        address: v4.poolManager,
        abi: POOL_MANAGER_V4_ABI,
        eventName: "ModifyLiquidity",
        args: { id: p.pool as Hex, sender: v4.positionManager },
        ...range,
      });
      for (const e of events) {
        if (e.args.salt?.toLowerCase() !== v4PositionSalt(p.tokenId).toLowerCase()) continue;
        const delta = e.args.liquidityDelta ?? 0n;
        if (delta >= 0n) continue;
        // v4 pays a decrease's accrued fees with it: L_before · (inside at the decrease − last before) / 2^128,
        // the inside at the decrease being the position's feeGrowthInsideLast right after it.
        const [before, after, atDecrease] = await Promise.all([
          v4PositionState(client, v4, p, e.blockNumber - 1n),
          v4PositionState(client, v4, p, e.blockNumber),
          v4SqrtPriceAtLog(client, v4, p.pool as Hex, e),
        ]);
        const principal = getAmountsForLiquidity(
          atDecrease,
          sqrtRatioAtValidTick(p.tickLower),
          sqrtRatioAtValidTick(p.tickUpper),
          -delta,
        );
        out.push({
          blockNumber: e.blockNumber,
          token0: p.token0,
          token1: p.token1,
          principal0: principal.amount0,
          principal1: principal.amount1,
          fees0: (wrap(after.last0 - before.last0) * before.liquidity) / Q128,
          fees1: (wrap(after.last1 - before.last1) * before.liquidity) / Q128,
        });
      }
    }
  }
  return out;
}

const wrap = (x: bigint) => (x < 0n ? x + (1n << 256n) : x);

/**
 * The pool's √P when the log was emitted: a swap in the same block before it (a scenario's market move mined with the
 * keeper's withdrawal) moved it from the state at the previous block, and its Swap event carries the √P it left.
 */
async function v4SqrtPriceAtLog(
  client: PublicClient,
  v4: NonNullable<LpTermsSources["v4"]>,
  poolId: Hex,
  log: { blockNumber: bigint; transactionIndex: number; logIndex: number },
): Promise<bigint> {
  const swaps = await client.getContractEvents({
    address: v4.poolManager,
    abi: POOL_MANAGER_V4_ABI,
    eventName: "Swap",
    args: { id: poolId },
    fromBlock: log.blockNumber,
    toBlock: log.blockNumber,
  });
  const earlier = swaps.filter(
    (s) =>
      s.transactionIndex < log.transactionIndex ||
      (s.transactionIndex === log.transactionIndex && s.logIndex < log.logIndex),
  );
  const last = earlier
    .sort((a, b) => a.transactionIndex - b.transactionIndex || a.logIndex - b.logIndex)
    .at(-1);
  if (last?.args.sqrtPriceX96 !== undefined) return last.args.sqrtPriceX96;
  const [sqrtPriceX96] = await client.readContract({
    address: v4.stateView,
    abi: STATE_VIEW_ABI,
    functionName: "getSlot0",
    args: [poolId],
    blockNumber: log.blockNumber - 1n,
  });
  return sqrtPriceX96;
}

/** The devnet's treasury Safe, its LP positions (2 v3, 3 v4) and the feeds each token is priced at. */
export function lpTermsSourcesOf(manifest: DevnetManifest): LpTermsSources {
  const { contracts, feeds, pools, positions, uniswapV4 } = manifest;
  return {
    safe: contracts.treasurySafe,
    weth: contracts.weth,
    feedByToken: {
      [zeroAddress]: feeds.ethUsd.address,
      [contracts.weth.toLowerCase()]: feeds.ethUsd.address,
      [contracts.usdc.toLowerCase()]: feeds.usdcUsd.address,
      [contracts.dai.toLowerCase()]: feeds.daiUsd.address,
      [contracts.usdt.toLowerCase()]: feeds.usdtUsd.address,
    },
    ethUsdFeed: feeds.ethUsd.address,
    v3: {
      positionManager: contracts.positionManager,
      factoryPools: Object.values(pools).map((p) => p.address),
      tokenIds: positions.lpTokenIds.map(BigInt),
    },
    v4:
      uniswapV4 === undefined
        ? null
        : {
            positionManager: uniswapV4.positionManager,
            stateView: uniswapV4.stateView,
            poolManager: uniswapV4.poolManager,
            tokenIds: uniswapV4.lpTokenIds.map(BigInt),
          },
  };
}
