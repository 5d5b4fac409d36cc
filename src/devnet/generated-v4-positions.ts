// Many Uniswap v4 positions for benchmarks: pools over the given ERC-20s, each at price 1, in the three shapes the
// indexer meets on v4 (native ETH against a token, a static-fee ERC-20 pair, and a dynamic-fee pool on the devnet's
// hook), and N positions per pool of widening ranges, minted to a recipient. Minting is batched as v4 allows it: many
// MINT_POSITION actions in one modifyLiquidities call (one unlock, each currency settled once), several calls a block.
import { type Address, encodeFunctionData, erc20Abi, maxUint48, maxUint160, maxUint256 } from "viem";
import { PERMIT2_ABI, POOL_MANAGER_V4_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import { encodeModifyLiquidities } from "../chain/uniswap-v4-actions.ts";
import { maxLiquidityForAmounts } from "../engine/liquidity-amounts.ts";
import type { Hex32 } from "../engine/plan.ts";
import { mintAmounts } from "../engine/position-amounts.ts";
import type { V4PoolKey } from "../engine/snapshot.ts";
import { sqrtRatioAtValidTick } from "../engine/tick-math.ts";
import { DYNAMIC_FEE_FLAG, NO_HOOK } from "../engine/v4-hook-flags.ts";
import { NATIVE_CURRENCY } from "../engine/v4-position.ts";
import { computeV4PoolId } from "../indexers/uniswap-v4-reads.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { ethNeeded, mintAndSettleActions, type V4Mint } from "./pools-v4.ts";
import { type LabelledTransaction, NO_DEADLINE, sendInOneBlock, withManualMining } from "./transactions.ts";

/** Price 1 between two 18-decimal currencies: sqrt(1) · 2^96. */
const PRICE_ONE_SQRT_X96 = 2n ** 96n;
/** Mints per modifyLiquidities call, and a generous gas limit per mint (a new position that initializes two ticks). */
const MINTS_PER_CALL = 20;
const GAS_PER_MINT = 600_000n;
/** Transactions per block stay under the devnet's 30M block gas limit. */
const BLOCK_GAS = 29_000_000n;
/** What each position is given of each currency, at most (1 unit of an 18-decimal currency). */
const AMOUNT_PER_SIDE = 10n ** 18n;

export type GeneratedV4PoolShape = "native-eth" | "static-fee" | "hooked-dynamic-fee";

/** The shape of the pool over the i-th base currency, in turn. */
export const generatedV4PoolShape = (index: number): GeneratedV4PoolShape =>
  (["native-eth", "static-fee", "hooked-dynamic-fee"] as const)[index % 3]!;

/**
 * One pool per base currency, shapes in turn: native ETH/base (0.30%, tick spacing 60), quote/base (0.05%, spacing
 * 10), quote/base with a dynamic fee on `hook` (spacing 60; the hook sets its fee at initialization).
 */
export function generatedV4PoolKeys(input: {
  quote: Address;
  bases: readonly Address[];
  hook: Address;
}): V4PoolKey[] {
  return input.bases.map((base, index) => {
    const shape = generatedV4PoolShape(index);
    const other = shape === "native-eth" ? NATIVE_CURRENCY : input.quote;
    const [currency0, currency1] = BigInt(other) < BigInt(base) ? [other, base] : [base, other];
    if (shape === "native-eth") return { currency0, currency1, fee: 3_000, tickSpacing: 60, hooks: NO_HOOK };
    if (shape === "static-fee") return { currency0, currency1, fee: 500, tickSpacing: 10, hooks: NO_HOOK };
    return { currency0, currency1, fee: DYNAMIC_FEE_FLAG, tickSpacing: 60, hooks: input.hook };
  });
}

/**
 * The k-th position of a pool at price 1 spans ±(k + 1) tick spacings: the most liquidity AMOUNT_PER_SIDE of each
 * currency funds, with exactly what the PoolManager takes for it (rounded up) as the mint's bounds.
 */
export function generatedV4Mint(key: V4PoolKey, k: number, owner: Address): V4Mint {
  const tickLower = -key.tickSpacing * (k + 1);
  const tickUpper = key.tickSpacing * (k + 1);
  const liquidity = maxLiquidityForAmounts(
    PRICE_ONE_SQRT_X96,
    sqrtRatioAtValidTick(tickLower),
    sqrtRatioAtValidTick(tickUpper),
    AMOUNT_PER_SIDE,
    AMOUNT_PER_SIDE,
    true,
  );
  const { amount0, amount1 } = mintAmounts({
    sqrtPriceX96: PRICE_ONE_SQRT_X96,
    tickCurrent: 0,
    tickLower,
    tickUpper,
    liquidity,
  });
  return {
    action: {
      action: "MINT_POSITION",
      poolKey: key,
      tickLower,
      tickUpper,
      liquidity,
      amount0Max: amount0,
      amount1Max: amount1,
      owner,
    },
    amount0,
    amount1,
  };
}

/** Sends `transactions` in as few blocks as their gas limits allow (the node must not be automining). */
async function inBlocks(client: DevnetClient, transactions: readonly LabelledTransaction[]): Promise<void> {
  let block: LabelledTransaction[] = [];
  let gas = 0n;
  for (const tx of transactions) {
    const txGas = tx.gas ?? 0n;
    if (block.length > 0 && gas + txGas > BLOCK_GAS) {
      await sendInOneBlock(client, block);
      block = [];
      gas = 0n;
    }
    block.push(tx);
    gas += txGas;
  }
  if (block.length > 0) await sendInOneBlock(client, block);
}

/**
 * Initializes one pool per key at price 1 and mints `positionsPerPool` positions in each to `recipient`, paid by
 * `payer` (an account the node holds, funded with every ERC-20 of the keys and enough ETH). The payer's ERC-20s are
 * approved to Permit2 and Permit2 to the PositionManager first. Returns the pool ids, in the keys' order.
 */
export async function generateV4Positions(
  client: DevnetClient,
  input: {
    payer: Address;
    recipient: Address;
    contracts: { poolManager: Address; positionManager: Address; permit2: Address };
    keys: readonly V4PoolKey[];
    positionsPerPool: number;
  },
): Promise<Hex32[]> {
  const { payer, contracts, keys } = input;
  if (!Number.isInteger(input.positionsPerPool) || input.positionsPerPool < 1) {
    throw new RangeError(`positionsPerPool must be a positive integer, got ${input.positionsPerPool}`);
  }
  const tx = (label: string, to: Address, data: `0x${string}`, gas: bigint, value = 0n) => ({
    label,
    from: payer,
    to,
    data,
    gas,
    value,
  });
  const tokens = [
    ...new Set(keys.flatMap((k) => [k.currency0, k.currency1]).filter((c) => c !== NATIVE_CURRENCY)),
  ];
  const mints = keys.flatMap((key) =>
    Array.from({ length: input.positionsPerPool }, (_, k) => generatedV4Mint(key, k, input.recipient)),
  );
  const calls: LabelledTransaction[] = [];
  for (let from = 0; from < mints.length; from += MINTS_PER_CALL) {
    const group = mints.slice(from, from + MINTS_PER_CALL);
    calls.push(
      tx(
        `mint v4 positions ${from}..${from + group.length - 1}`,
        contracts.positionManager,
        encodeModifyLiquidities(mintAndSettleActions(group, payer), NO_DEADLINE),
        GAS_PER_MINT * BigInt(group.length),
        ethNeeded(group),
      ),
    );
  }
  await withManualMining(client, async () => {
    await inBlocks(
      client,
      tokens.flatMap((token) => [
        tx(
          `approve ${token} to Permit2`,
          token,
          encodeFunctionData({
            abi: erc20Abi,
            functionName: "approve",
            args: [contracts.permit2, maxUint256],
          }),
          100_000n,
        ),
        tx(
          `Permit2 allowance of ${token} to the PositionManager`,
          contracts.permit2,
          encodeFunctionData({
            abi: PERMIT2_ABI,
            functionName: "approve",
            args: [token, contracts.positionManager, maxUint160, Number(maxUint48)],
          }),
          100_000n,
        ),
      ]),
    );
    await inBlocks(
      client,
      keys.map((key) =>
        tx(
          `initialize v4 pool ${computeV4PoolId(key)}`,
          contracts.poolManager,
          encodeFunctionData({
            abi: POOL_MANAGER_V4_ABI,
            functionName: "initialize",
            args: [key, PRICE_ONE_SQRT_X96],
          }),
          300_000n,
        ),
      ),
    );
    await inBlocks(client, calls);
  });
  return keys.map(computeV4PoolId);
}
