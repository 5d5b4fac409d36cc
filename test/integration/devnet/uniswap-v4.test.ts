// Uniswap v4 on the devnet: the real audited contracts at their mainnet addresses, the treasury's positions in a
// native-ETH pool, a stable pool and a hooked dynamic-fee pool. The indexer's snapshot and the engine's amounts
// and fees are held against what the PoolManager actually pays on a DECREASE_LIQUIDITY + TAKE_PAIR withdrawal.
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  type Hash,
  keccak256,
  maxUint256,
  parseEther,
  parseEventLogs,
  toHex,
  zeroAddress,
} from "viem";
import { describe, expect, it } from "vitest";
import {
  PERMIT2_ABI,
  POOL_MANAGER_V4_ABI,
  POOL_SWAP_TEST_ABI,
  STATE_VIEW_ABI,
  V4_POSITION_MANAGER_ABI,
  V4_QUOTER_ABI,
} from "../../../src/chain/abis/uniswap-v4-abi.ts";
import { encodeModifyLiquidities, type V4Action } from "../../../src/chain/uniswap-v4-actions.ts";
import { devnetAccount } from "../../../src/devnet/accounts.ts";
import { loadProjectArtifact } from "../../../src/devnet/devnet-artifacts.ts";
import type { DevnetClient } from "../../../src/devnet/devnet-client.ts";
import type { Devnet } from "../../../src/devnet/index.ts";
import {
  MAINNET_TOKENS,
  MAINNET_UNISWAP_V4,
  UNISWAP_V4_MAINNET_DEPLOYMENT,
} from "../../../src/devnet/mainnet-addresses.ts";
import type { DevnetManifest } from "../../../src/devnet/manifest.ts";
import {
  type DevnetV4Pool,
  mintAndSettleActions,
  planV4Mint,
  readV4PoolStates,
  type V4PoolName,
} from "../../../src/devnet/pools-v4.ts";
import { sqrtPriceX96FromQuote } from "../../../src/devnet/price-math.ts";
import { NO_DEADLINE, sendDevnetTransaction, writeDevnetContract } from "../../../src/devnet/transactions.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import { getFeeGrowthInside } from "../../../src/engine/fee-growth.ts";
import { HOOK_FLAGS, hookFlagsOf } from "../../../src/engine/v4-hook-flags.ts";
import { NATIVE_CURRENCY, valueV4Position } from "../../../src/engine/v4-position.ts";
import {
  discoverV4TokenIds,
  readV4PositionStatics,
  readV4Snapshot,
} from "../../../src/indexers/uniswap-v4-reads.ts";
import { useDevnet } from "../../support/devnet.ts";

const devnet = useDevnet();

type V4Manifest = NonNullable<DevnetManifest["uniswapV4"]>;

function v4Of(manifest: DevnetManifest): V4Manifest {
  if (!manifest.uniswapV4) throw new Error("the devnet manifest has no uniswapV4 section");
  return manifest.uniswapV4;
}

/** The manifest's pool entry as the devnet's pool description. */
function poolOf(v4: V4Manifest, name: V4PoolName): DevnetV4Pool {
  const { poolId, currency0, currency1, fee, tickSpacing, hooks, ...quoted } = v4.pools[name];
  return { poolId, key: { currency0, currency1, fee, tickSpacing, hooks }, ...quoted };
}

function owners(manifest: DevnetManifest) {
  return manifest.accounts.owners.slice(0, 2).map((owner) => devnetAccount(owner.index));
}

/** An owner-signed Safe call to the PositionManager (ETH from the Safe's balance). */
function safeModifyLiquidities(d: Devnet, label: string, actions: V4Action[], value = 0n): Promise<Hash> {
  const { manifest, client } = d;
  return execSafeTransaction(client, manifest.contracts.treasurySafe, owners(manifest), {
    label,
    to: v4Of(manifest).positionManager,
    data: encodeModifyLiquidities(actions, NO_DEADLINE),
    value,
  });
}

/**
 * The trader swaps through v4-core's PoolSwapTest until the pool reaches `price` (ETH as value, ERC-20s by
 * transferFrom; more input than needed, so the price limit ends the swap), crossing every initialized tick
 * between. Checks the pool got there.
 */
async function swapTo(
  client: DevnetClient,
  v4: V4Manifest,
  trader: Address,
  pool: DevnetV4Pool,
  price: number,
): Promise<Hash> {
  const [sqrtBefore] = await client.publicClient.readContract({
    address: v4.stateView,
    abi: STATE_VIEW_ABI,
    functionName: "getSlot0",
    args: [pool.poolId],
  });
  const sqrtPriceLimitX96 = sqrtPriceX96FromQuote(pool, price);
  const zeroForOne = sqrtPriceLimitX96 < sqrtBefore;
  const payingEth = pool.key.currency0 === NATIVE_CURRENCY && zeroForOne;
  const maxIn = payingEth ? parseEther("5000") : 10n ** 14n;
  const hash = await sendDevnetTransaction(client, `swap to ${price}`, {
    from: trader,
    to: v4.poolSwapTest,
    data: encodeFunctionData({
      abi: POOL_SWAP_TEST_ABI,
      functionName: "swap",
      args: [
        pool.key,
        { zeroForOne, amountSpecified: -maxIn, sqrtPriceLimitX96 },
        { takeClaims: false, settleUsingBurn: false },
        "0x",
      ],
    }),
    value: payingEth ? maxIn : 0n,
  });
  const [sqrtAfter] = await client.publicClient.readContract({
    address: v4.stateView,
    abi: STATE_VIEW_ABI,
    functionName: "getSlot0",
    args: [pool.poolId],
  });
  expect(sqrtAfter).toBe(sqrtPriceLimitX96);
  return hash;
}

async function mintedTokenIds(d: Devnet, hash: Hash): Promise<bigint[]> {
  const receipt = await d.publicClient.getTransactionReceipt({ hash });
  return parseEventLogs({ abi: V4_POSITION_MANAGER_ABI, eventName: "Transfer", logs: receipt.logs })
    .filter((log) => log.args.from === zeroAddress)
    .map((log) => log.args.id);
}

describe("Uniswap v4 on the devnet", () => {
  it("places PoolManager, PositionManager, StateView, V4Quoter and Permit2 at their mainnet addresses, built as there", async () => {
    const { manifest, publicClient } = devnet();
    const v4 = v4Of(manifest);
    for (const key of ["poolManager", "positionManager", "stateView", "v4Quoter", "permit2"] as const) {
      expect(getAddress(v4[key]), key).toBe(MAINNET_UNISWAP_V4[key]);
      expect(await publicClient.getCode({ address: v4[key] }), key).toMatch(/^0x[0-9a-f]{1000,}/);
    }
    const read = <T>(address: Address, abi: readonly unknown[], functionName: string): Promise<T> =>
      publicClient.readContract({ address, abi: abi as never, functionName } as never) as Promise<T>;
    // Constructor effects at the real address: Owned's owner, ERC-721 storage, immutables pointing at the PoolManager.
    expect(await read(v4.poolManager, POOL_MANAGER_V4_ABI, "owner")).toBe(
      UNISWAP_V4_MAINNET_DEPLOYMENT.poolManagerOwner,
    );
    expect(await read(v4.positionManager, V4_POSITION_MANAGER_ABI, "name")).toBe("Uniswap v4 Positions NFT");
    expect(await read(v4.positionManager, V4_POSITION_MANAGER_ABI, "symbol")).toBe("UNI-V4-POSM");
    expect(await read(v4.positionManager, V4_POSITION_MANAGER_ABI, "nextTokenId")).toBe(
      BigInt(v4.lpTokenIds.at(-1)!) + 1n,
    );
    expect(await read(v4.positionManager, V4_POSITION_MANAGER_ABI, "permit2")).toBe(v4.permit2);
    for (const [address, abi] of [
      [v4.positionManager, V4_POSITION_MANAGER_ABI],
      [v4.stateView, STATE_VIEW_ABI],
      [v4.v4Quoter, V4_QUOTER_ABI],
    ] as const) {
      expect(await read(address, abi, "poolManager")).toBe(v4.poolManager);
    }
    // EIP-712 domains for this chain and these addresses (Permit2's recomputed: its cached domain is mainnet's).
    const domain = (name: string, verifyingContract: Address) =>
      keccak256(
        encodeAbiParameters(
          [{ type: "bytes32" }, { type: "bytes32" }, { type: "uint256" }, { type: "address" }],
          [
            keccak256(toHex("EIP712Domain(string name,uint256 chainId,address verifyingContract)")),
            keccak256(toHex(name)),
            BigInt(manifest.chainId),
            verifyingContract,
          ],
        ),
      );
    expect(await read(v4.permit2, PERMIT2_ABI, "DOMAIN_SEPARATOR")).toBe(domain("Permit2", v4.permit2));
    expect(await read(v4.positionManager, V4_POSITION_MANAGER_ABI, "DOMAIN_SEPARATOR")).toBe(
      domain("Uniswap v4 Positions NFT", v4.positionManager),
    );
    // The competition contract's address only lent its CREATE2 for the PoolManager.
    expect(
      await publicClient.getCode({ address: UNISWAP_V4_MAINNET_DEPLOYMENT.poolManagerCreator }),
    ).toBeUndefined();
    // The mainnet pools' keys give the mainnet pool ids; the hook carries exactly its permission bit.
    expect(v4.pools.ethUsdc500.poolId).toBe(
      "0x21c67e77068de97969ba93d4aab21826d33ca12bb9f565d8496e8fda8a82ca27",
    );
    expect(v4.pools.usdcUsdt10.poolId).toBe(
      "0x8aa4e11cbdf30eedc92100f4c8a31ff748e201d44712cc8c90d189edaa8e4e47",
    );
    expect(hookFlagsOf(v4.dynamicFeeHook)).toBe(HOOK_FLAGS.afterInitialize);
  });

  it("discovers the treasury's v4 positions from Transfer logs and snapshots them at one block", async () => {
    const d = devnet();
    const { manifest, publicClient } = d;
    const v4 = v4Of(manifest);
    const safe = manifest.contracts.treasurySafe;
    const head = await publicClient.getBlockNumber({ cacheTime: 0 });
    const tokenIds = await discoverV4TokenIds(publicClient, {
      positionManager: v4.positionManager,
      owner: safe,
      fromBlock: BigInt(v4.positionManagerBlock),
      toBlock: head,
      maxBlockRange: 4n,
    });
    expect(tokenIds.map(String)).toEqual(v4.lpTokenIds);
    const statics = await readV4PositionStatics(publicClient, {
      positionManager: v4.positionManager,
      tokenIds,
      blockNumber: head,
    });
    expect(statics.map((s) => s.poolId)).toEqual(
      (["ethUsdc500", "usdcUsdt10", "ethUsdcDynamic"] as const).map((name) => v4.pools[name].poolId),
    );
    expect(statics[0]!.currency0).toEqual({ address: NATIVE_CURRENCY, symbol: "ETH", decimals: 18 });
    expect(statics[1]!.currency1).toEqual({ address: MAINNET_TOKENS.usdt, symbol: "USDT", decimals: 6 });

    const snapshot = await readV4Snapshot(publicClient, {
      positionManager: v4.positionManager,
      stateView: v4.stateView,
      owner: safe,
      positions: statics,
      blockNumber: head,
    });
    expect(snapshot.positions).toHaveLength(3);
    expect(snapshot.released).toEqual([]);
    const hooked = snapshot.pools.find((p) => p.poolId === v4.pools.ethUsdcDynamic.poolId)!;
    expect(hooked.key.fee).toBe(0x800000); // the key only says "dynamic"
    expect(hooked.lpFee).toBe(3_000); // slot0 says what the hook set
    for (const position of snapshot.positions) {
      expect(position.liquidity).toBeGreaterThan(0n);
      const pool = snapshot.pools.find((p) => p.poolId === position.poolId)!;
      expect(valueV4Position(position, pool, { base: MAINNET_TOKENS.weth }).inRange).toBe(true);
    }

    // A position the Safe hands away is reported as released, not valued.
    await execSafeTransaction(d.client, safe, owners(manifest), {
      label: "give a v4 position away",
      to: v4.positionManager,
      data: encodeFunctionData({
        abi: V4_POSITION_MANAGER_ABI,
        functionName: "transferFrom",
        args: [safe, manifest.accounts.keeper.address, tokenIds[1]!],
      }),
    });
    const after = await readV4Snapshot(publicClient, {
      positionManager: v4.positionManager,
      stateView: v4.stateView,
      owner: safe,
      positions: statics,
      blockNumber: await publicClient.getBlockNumber({ cacheTime: 0 }),
    });
    expect(after.released).toEqual([tokenIds[1]]);
    expect(after.positions.map((p) => p.tokenId)).toEqual([tokenIds[0], tokenIds[2]]);
  });

  it("values each position to the wei of what DECREASE_LIQUIDITY + TAKE_PAIR pays, after swaps across ticks", async () => {
    const d = devnet();
    const { manifest, publicClient, client } = d;
    const v4 = v4Of(manifest);
    const safe = manifest.contracts.treasurySafe;
    const trader = manifest.accounts.trader.address;
    const pools = {
      ethUsdc500: poolOf(v4, "ethUsdc500"),
      usdcUsdt10: poolOf(v4, "usdcUsdt10"),
      ethUsdcDynamic: poolOf(v4, "ethUsdcDynamic"),
    };

    // More positions through the Safe: a narrow one in each ETH pool (crossed by the swaps) and one above the price.
    const states = await readV4PoolStates(client, v4.stateView, pools);
    const mints = [
      planV4Mint(pools.ethUsdc500, states.ethUsdc500, {
        lowerPrice: 2_950,
        upperPrice: 3_050,
        baseAmount: 5,
        quoteAmount: 15_000,
        recipient: safe,
      }),
      planV4Mint(pools.ethUsdc500, states.ethUsdc500, {
        lowerPrice: 3_300,
        upperPrice: 3_600,
        baseAmount: 3,
        quoteAmount: 0,
        recipient: safe,
      }),
      planV4Mint(pools.ethUsdcDynamic, states.ethUsdcDynamic, {
        lowerPrice: 2_900,
        upperPrice: 3_100,
        baseAmount: 4,
        quoteAmount: 12_000,
        recipient: safe,
      }),
    ];
    const value = mints.reduce((sum, m) => sum + m.amount0, 0n);
    const minted = await mintedTokenIds(
      d,
      await safeModifyLiquidities(d, "mint more v4 positions", mintAndSettleActions(mints, safe), value),
    );
    const tokenIds = [...v4.lpTokenIds.map(BigInt), ...minted];
    expect(tokenIds).toHaveLength(6);

    // The trader moves every pool down through the maker's inner ranges and back up past the start; the hook
    // raises its pool's fee to 1% in between, and the swaps after it pay that fee.
    for (const token of [MAINNET_TOKENS.usdc, MAINNET_TOKENS.usdt]) {
      await writeDevnetContract(client, trader, {
        address: token,
        abi: erc20Abi,
        functionName: "approve",
        args: [v4.poolSwapTest, maxUint256],
      });
    }
    const hookAbi = loadProjectArtifact("devnet/DevnetDynamicFeeHook.sol", "DevnetDynamicFeeHook").abi;
    await swapTo(client, v4, trader, pools.ethUsdc500, 2_850);
    await swapTo(client, v4, trader, pools.ethUsdc500, 3_150);
    await swapTo(client, v4, trader, pools.ethUsdcDynamic, 2_650);
    await expect(
      publicClient.simulateContract({
        address: v4.dynamicFeeHook,
        abi: hookAbi,
        functionName: "setLpFee",
        args: [pools.ethUsdcDynamic.key, 10_000],
        account: trader,
      }),
    ).rejects.toThrow(/DevnetDynamicFeeHookUnauthorized/);
    await writeDevnetContract(client, manifest.accounts.deployer.address, {
      address: v4.dynamicFeeHook,
      abi: hookAbi,
      functionName: "setLpFee",
      args: [pools.ethUsdcDynamic.key, 10_000],
    });
    const hookedSwap = await swapTo(client, v4, trader, pools.ethUsdcDynamic, 3_080);
    await swapTo(client, v4, trader, pools.usdcUsdt10, 0.996);
    await swapTo(client, v4, trader, pools.usdcUsdt10, 1.002);
    const [swapEvent] = parseEventLogs({
      abi: POOL_MANAGER_V4_ABI,
      eventName: "Swap",
      logs: (await publicClient.getTransactionReceipt({ hash: hookedSwap })).logs,
    });
    expect(swapEvent?.args.fee).toBe(10_000);

    const blockNumber = await publicClient.getBlockNumber({ cacheTime: 0 });
    const statics = await readV4PositionStatics(publicClient, {
      positionManager: v4.positionManager,
      tokenIds,
      blockNumber,
    });
    const snapshot = await readV4Snapshot(publicClient, {
      positionManager: v4.positionManager,
      stateView: v4.stateView,
      owner: safe,
      positions: statics,
      blockNumber,
    });
    const poolById = new Map(snapshot.pools.map((p) => [p.poolId, p]));
    expect(poolById.get(pools.ethUsdcDynamic.poolId)?.lpFee).toBe(10_000);
    const values = snapshot.positions.map((position) =>
      valueV4Position(position, poolById.get(position.poolId)!, { base: MAINNET_TOKENS.weth }),
    );
    expect(values.filter((v) => !v.inRange).length).toBeGreaterThan(0); // the range above the price
    expect(values.every((v) => v.fees0 > 0n || v.fees1 > 0n || !v.inRange)).toBe(true);
    expect(values.filter((v) => v.fees0 > 0n && v.fees1 > 0n).length).toBeGreaterThanOrEqual(3);

    // StateView's fee growth inside is v3's formula over the ticks' outside growth.
    for (const pool of snapshot.pools) {
      for (const range of pool.ranges) {
        const tick = (t: number) =>
          publicClient.readContract({
            address: v4.stateView,
            abi: STATE_VIEW_ABI,
            functionName: "getTickInfo",
            args: [pool.poolId, t],
            blockNumber,
          });
        const [[, , lo0, lo1], [, , up0, up1]] = await Promise.all([
          tick(range.tickLower),
          tick(range.tickUpper),
        ]);
        expect(
          getFeeGrowthInside({
            tickLower: range.tickLower,
            tickUpper: range.tickUpper,
            tickCurrent: pool.tick,
            feeGrowthGlobal0X128: pool.feeGrowthGlobal0X128,
            feeGrowthGlobal1X128: pool.feeGrowthGlobal1X128,
            lowerFeeGrowthOutside0X128: lo0,
            lowerFeeGrowthOutside1X128: lo1,
            upperFeeGrowthOutside0X128: up0,
            upperFeeGrowthOutside1X128: up1,
          }),
        ).toEqual({
          feeGrowthInside0X128: range.feeGrowthInside0X128,
          feeGrowthInside1X128: range.feeGrowthInside1X128,
        });
      }
    }

    // Withdraw everything in the next block, each position paid to its own fresh recipient.
    const recipients = snapshot.positions.map((_, i) =>
      getAddress(`0x${(0xa11ce0 + i).toString(16).padStart(40, "0")}`),
    );
    await safeModifyLiquidities(
      d,
      "withdraw every v4 position",
      snapshot.positions.flatMap((position, i): V4Action[] => {
        const { key } = poolById.get(position.poolId)!;
        return [
          {
            action: "DECREASE_LIQUIDITY",
            tokenId: position.tokenId,
            liquidity: position.liquidity,
            amount0Min: 0n,
            amount1Min: 0n,
          },
          {
            action: "TAKE_PAIR",
            currency0: key.currency0,
            currency1: key.currency1,
            recipient: recipients[i]!,
          },
        ];
      }),
    );
    const balanceOf = (currency: Address, account: Address) =>
      currency === NATIVE_CURRENCY
        ? publicClient.getBalance({ address: account })
        : publicClient.readContract({
            address: currency,
            abi: erc20Abi,
            functionName: "balanceOf",
            args: [account],
          });
    for (const [i, position] of snapshot.positions.entries()) {
      const { key } = poolById.get(position.poolId)!;
      const value = values[i]!;
      expect(await balanceOf(key.currency0, recipients[i]!), `token ${position.tokenId} currency0`).toBe(
        value.amount0 + value.fees0,
      );
      expect(await balanceOf(key.currency1, recipients[i]!), `token ${position.tokenId} currency1`).toBe(
        value.amount1 + value.fees1,
      );
      expect(
        await publicClient.readContract({
          address: v4.positionManager,
          abi: V4_POSITION_MANAGER_ABI,
          functionName: "getPositionLiquidity",
          args: [position.tokenId],
        }),
      ).toBe(0n);
    }
  });
});
