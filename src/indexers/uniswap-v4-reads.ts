// Uniswap v4 positions of one owner, read at one block. v4 keeps every pool in the PoolManager singleton; a
// position NFT (PositionManager) is the PoolManager position owned by the PositionManager with salt = tokenId.
// PositionManager is an ERC-721 without enumeration, so the owner's token ids come from Transfer logs; what a
// token id points at (pool key, range) never changes and is read once; the state is one block-pinned batch.
import {
  type Address,
  encodeAbiParameters,
  erc20Abi,
  getAddress,
  type Hex,
  keccak256,
  numberToHex,
  type PublicClient,
} from "viem";
import { STATE_VIEW_ABI, V4_POSITION_MANAGER_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import { ContractCallRevertedError, InconsistentBlockError } from "../chain/errors.ts";
import { type ContractRead, readAtBlock, requireValue } from "../chain/read-at-block.ts";
import type { Hex32 } from "../engine/plan.ts";
import type { TokenRef, V4PoolKey, V4PoolSnapshot, V4RangeFeeGrowth } from "../engine/snapshot.ts";
import { NATIVE_CURRENCY, type V4PositionReading } from "../engine/v4-position.ts";

/** Native ETH as a v4 currency reports it: address(0), 18 decimals. */
export const NATIVE_ETH: TokenRef = { address: NATIVE_CURRENCY, symbol: "ETH", decimals: 18 };

/**
 * A pool's id from its key, as PoolIdLibrary.toId: keccak256 over the key's 5 words in memory, which is
 * abi.encode(key) (every field is static).
 */
export function computeV4PoolId(key: V4PoolKey): Hex32 {
  return keccak256(
    encodeAbiParameters(
      [{ type: "address" }, { type: "address" }, { type: "uint24" }, { type: "int24" }, { type: "address" }],
      [key.currency0, key.currency1, key.fee, key.tickSpacing, key.hooks],
    ),
  );
}

/** PositionManager's packed PositionInfo (v4-periphery libraries/PositionInfoLibrary.sol). */
export interface PositionInfo {
  /** The pool id's top 25 bytes: the key of PositionManager.poolKeys, not a full PoolId. */
  poolIdPrefix: Hex;
  tickLower: number;
  tickUpper: number;
  hasSubscriber: boolean;
}

const MASK_24 = (1n << 24n) - 1n;

/** int24 from its 24-bit two's complement (Solidity's signextend(2, x)). */
function int24(bits: bigint): number {
  const x = Number(bits & MASK_24);
  return x >= 0x800000 ? x - 0x1000000 : x;
}

/** Layout, from the low bits: 8 bits hasSubscriber | 24 bits tickLower | 24 bits tickUpper | 200 bits poolId. */
export function decodePositionInfo(info: bigint): PositionInfo {
  if (info < 0n || info >= 1n << 256n) throw new RangeError(`PositionInfo must be a uint256, got ${info}`);
  return {
    poolIdPrefix: numberToHex(info >> 56n, { size: 25 }),
    tickLower: int24(info >> 8n),
    tickUpper: int24(info >> 32n),
    hasSubscriber: (info & 0xffn) !== 0n,
  };
}

/** The PoolManager position salt of a PositionManager token: bytes32(tokenId). */
export function v4PositionSalt(tokenId: bigint): Hex32 {
  return numberToHex(tokenId, { size: 32 });
}

const TRANSFER_EVENT = V4_POSITION_MANAGER_ABI.find(
  (item) => item.type === "event" && item.name === "Transfer",
) as Extract<(typeof V4_POSITION_MANAGER_ABI)[number], { type: "event"; name: "Transfer" }>;

/**
 * Token ids ever transferred to `owner` (mints included) in [fromBlock, toBlock], from PositionManager's Transfer
 * logs filtered on the indexed `to`, in block ranges of at most `maxBlockRange` (RPC providers cap log ranges).
 * Candidates only: the snapshot keeps those `owner` still holds at its block. Scanning `nextTokenId` with
 * ownerOf is no alternative on mainnet (hundreds of thousands of ids).
 */
export async function discoverV4TokenIds(
  client: PublicClient,
  input: {
    positionManager: Address;
    owner: Address;
    fromBlock: bigint;
    toBlock: bigint;
    maxBlockRange?: bigint;
  },
): Promise<bigint[]> {
  const step = input.maxBlockRange ?? 50_000n;
  if (step <= 0n) throw new RangeError("maxBlockRange must be positive");
  const ids = new Set<bigint>();
  for (let from = input.fromBlock; from <= input.toBlock; from += step) {
    const to = from + step - 1n < input.toBlock ? from + step - 1n : input.toBlock;
    const logs = await client.getLogs({
      address: input.positionManager,
      event: TRANSFER_EVENT,
      args: { to: input.owner },
      fromBlock: from,
      toBlock: to,
      strict: true,
    });
    for (const log of logs) ids.add(log.args.id);
  }
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** What a token id points at: fixed from its mint until it is burned. */
export interface V4PositionStatics {
  tokenId: bigint;
  poolId: Hex32;
  key: V4PoolKey;
  tickLower: number;
  tickUpper: number;
  currency0: TokenRef;
  currency1: TokenRef;
}

/**
 * The pool key and range of each token id (getPoolAndPositionInfo), then symbol and decimals of each ERC-20
 * currency, at `blockNumber`. Burned ids (empty PositionInfo) are left out. Cache the result: none of it changes.
 */
export async function readV4PositionStatics(
  client: PublicClient,
  input: {
    positionManager: Address;
    tokenIds: readonly bigint[];
    blockNumber: bigint;
    /** Currencies already known (address → TokenRef), e.g. from an earlier call. */
    knownTokens?: ReadonlyMap<Address, TokenRef>;
  },
): Promise<V4PositionStatics[]> {
  const { blockNumber } = input;
  const infos = await readAtBlock(
    client,
    input.tokenIds.map((tokenId) => ({
      address: input.positionManager,
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "getPoolAndPositionInfo",
      args: [tokenId],
    })),
    { blockNumber },
  );
  const minted: { tokenId: bigint; key: V4PoolKey; info: PositionInfo }[] = [];
  input.tokenIds.forEach((tokenId, i) => {
    const [poolKey, info] = requireValue<readonly [V4PoolKey, bigint]>(
      infos[i],
      `getPoolAndPositionInfo(${tokenId})`,
    );
    if (info === 0n) return; // burned: PositionManager deletes the info
    minted.push({
      tokenId,
      key: {
        currency0: getAddress(poolKey.currency0),
        currency1: getAddress(poolKey.currency1),
        fee: Number(poolKey.fee),
        tickSpacing: Number(poolKey.tickSpacing),
        hooks: getAddress(poolKey.hooks),
      },
      info: decodePositionInfo(info),
    });
  });

  const tokens = new Map<Address, TokenRef>(input.knownTokens ?? []);
  tokens.set(NATIVE_CURRENCY, NATIVE_ETH);
  const unknown = [
    ...new Set(minted.flatMap(({ key }) => [key.currency0, key.currency1]).filter((c) => !tokens.has(c))),
  ];
  const metadata = await readAtBlock(
    client,
    unknown.flatMap((token) => [
      { address: token, abi: erc20Abi, functionName: "symbol" },
      { address: token, abi: erc20Abi, functionName: "decimals" },
    ]),
    { blockNumber },
  );
  unknown.forEach((token, i) => {
    tokens.set(token, {
      address: token,
      symbol: requireValue<string>(metadata[2 * i], `${token}.symbol`),
      decimals: Number(requireValue<number>(metadata[2 * i + 1], `${token}.decimals`)),
    });
  });

  return minted.map(({ tokenId, key, info }) => {
    const poolId = computeV4PoolId(key);
    if (!poolId.startsWith(info.poolIdPrefix)) {
      throw new InconsistentBlockError(`token ${tokenId}: PositionInfo's pool id is not its pool key's`, {
        details: { tokenId: String(tokenId), poolId, prefix: info.poolIdPrefix },
      });
    }
    return {
      tokenId,
      poolId,
      key,
      tickLower: info.tickLower,
      tickUpper: info.tickUpper,
      currency0: tokens.get(key.currency0)!,
      currency1: tokens.get(key.currency1)!,
    };
  });
}

/** A v4 book's positions of one owner and their pools, all read at one block. */
export interface V4Snapshot {
  blockNumber: bigint;
  owner: Address;
  pools: V4PoolSnapshot[];
  positions: V4PositionReading[];
  /** Token ids given that the owner no longer holds at this block (transferred away or burned). */
  released: bigint[];
}

/** getFeeGrowthInside: slot0, the globals and two ticks' outside growth (about seven cold slots). */
export const FEE_GROWTH_INSIDE_READ_GAS = 30_000;
/** getPositionInfo: three slots of one position. */
export const POSITION_INFO_READ_GAS = 20_000;

/**
 * The owner's v4 positions and their pools in ONE Multicall3 batch pinned to `blockNumber`: per position
 * ownerOf, getPositionLiquidity and positionInfo (PositionManager) and getPositionInfo (StateView: liquidity
 * and fee growth last); per pool getSlot0, getLiquidity and getFeeGrowthGlobals; per range getFeeGrowthInside. Positions the
 * owner no longer holds at the block are reported in `released`, not valued.
 */
export async function readV4Snapshot(
  client: PublicClient,
  input: {
    positionManager: Address;
    stateView: Address;
    owner: Address;
    positions: readonly V4PositionStatics[];
    blockNumber: bigint;
  },
): Promise<V4Snapshot> {
  const { positionManager, stateView, blockNumber } = input;
  const pools = new Map<Hex32, V4PositionStatics>();
  const ranges = new Map<string, { poolId: Hex32; tickLower: number; tickUpper: number }>();
  for (const p of input.positions) {
    if (!pools.has(p.poolId)) pools.set(p.poolId, p);
    ranges.set(`${p.poolId}:${p.tickLower}:${p.tickUpper}`, p);
  }

  const reads: ContractRead[] = [];
  const push = (batch: ContractRead[]) => {
    const start = reads.length;
    reads.push(...batch);
    return start;
  };
  const positionAt = input.positions.map((p) =>
    push([
      { address: positionManager, abi: V4_POSITION_MANAGER_ABI, functionName: "ownerOf", args: [p.tokenId] },
      {
        address: positionManager,
        abi: V4_POSITION_MANAGER_ABI,
        functionName: "getPositionLiquidity",
        args: [p.tokenId],
      },
      {
        address: stateView,
        abi: STATE_VIEW_ABI,
        functionName: "getPositionInfo",
        args: [p.poolId, positionManager, p.tickLower, p.tickUpper, v4PositionSalt(p.tokenId)],
        gasHint: POSITION_INFO_READ_GAS,
      },
      // The subscriber flag can change at any block; the rest of PositionInfo is in the statics.
      {
        address: positionManager,
        abi: V4_POSITION_MANAGER_ABI,
        functionName: "positionInfo",
        args: [p.tokenId],
      },
    ]),
  );
  const poolAt = new Map(
    [...pools.keys()].map((poolId) => [
      poolId,
      push([
        { address: stateView, abi: STATE_VIEW_ABI, functionName: "getSlot0", args: [poolId] },
        { address: stateView, abi: STATE_VIEW_ABI, functionName: "getLiquidity", args: [poolId] },
        { address: stateView, abi: STATE_VIEW_ABI, functionName: "getFeeGrowthGlobals", args: [poolId] },
      ]),
    ]),
  );
  const rangeAt = new Map(
    [...ranges.entries()].map(([id, r]) => [
      id,
      push([
        {
          address: stateView,
          abi: STATE_VIEW_ABI,
          functionName: "getFeeGrowthInside",
          args: [r.poolId, r.tickLower, r.tickUpper],
          gasHint: FEE_GROWTH_INSIDE_READ_GAS,
        },
      ]),
    ]),
  );
  const outcomes = await readAtBlock(client, reads, { blockNumber });

  const positions: V4PositionReading[] = [];
  const released: bigint[] = [];
  input.positions.forEach((p, i) => {
    const at = positionAt[i]!;
    const ownerOutcome = outcomes[at];
    // solmate's ownerOf reverts NOT_MINTED for a burned token: that token is gone, not an error to retry.
    if (ownerOutcome && !ownerOutcome.ok && ownerOutcome.error instanceof ContractCallRevertedError) {
      released.push(p.tokenId);
      return;
    }
    const owner = getAddress(requireValue<Address>(ownerOutcome, `ownerOf(${p.tokenId})`));
    if (owner !== getAddress(input.owner)) {
      released.push(p.tokenId);
      return;
    }
    const liquidity = requireValue<bigint>(outcomes[at + 1], `getPositionLiquidity(${p.tokenId})`);
    const [infoLiquidity, last0, last1] = requireValue<readonly [bigint, bigint, bigint]>(
      outcomes[at + 2],
      `getPositionInfo(${p.tokenId})`,
    );
    if (infoLiquidity !== liquidity) {
      throw new InconsistentBlockError(
        `token ${p.tokenId}: PositionManager and StateView disagree on liquidity`,
        {
          details: {
            tokenId: String(p.tokenId),
            liquidity: String(liquidity),
            stateView: String(infoLiquidity),
          },
        },
      );
    }
    positions.push({
      kind: "uniswap-v4",
      tokenId: p.tokenId,
      poolId: p.poolId,
      owner,
      tickLower: p.tickLower,
      tickUpper: p.tickUpper,
      liquidity,
      feeGrowthInside0LastX128: last0,
      feeGrowthInside1LastX128: last1,
      hasSubscriber: decodePositionInfo(requireValue<bigint>(outcomes[at + 3], `positionInfo(${p.tokenId})`))
        .hasSubscriber,
    });
  });

  const poolSnapshots: V4PoolSnapshot[] = [...pools.entries()].map(([poolId, p]) => {
    const at = poolAt.get(poolId)!;
    const [sqrtPriceX96, tick, protocolFee, lpFee] = requireValue<readonly [bigint, number, number, number]>(
      outcomes[at],
      `getSlot0(${poolId})`,
    );
    if (sqrtPriceX96 === 0n) {
      throw new InconsistentBlockError(`pool ${poolId} is not initialized at block ${blockNumber}`, {
        details: { poolId, blockNumber: String(blockNumber) },
      });
    }
    const [global0, global1] = requireValue<readonly [bigint, bigint]>(
      outcomes[at + 2],
      `getFeeGrowthGlobals(${poolId})`,
    );
    const poolRanges: V4RangeFeeGrowth[] = [...ranges.entries()]
      .filter(([, r]) => r.poolId === poolId)
      .map(([id, r]) => {
        const [inside0, inside1] = requireValue<readonly [bigint, bigint]>(
          outcomes[rangeAt.get(id)!],
          `getFeeGrowthInside(${poolId}, ${r.tickLower}, ${r.tickUpper})`,
        );
        return {
          tickLower: r.tickLower,
          tickUpper: r.tickUpper,
          feeGrowthInside0X128: inside0,
          feeGrowthInside1X128: inside1,
        };
      });
    return {
      kind: "uniswap-v4",
      poolId,
      key: p.key,
      currency0: p.currency0,
      currency1: p.currency1,
      sqrtPriceX96,
      tick: Number(tick),
      lpFee: Number(lpFee),
      protocolFee: Number(protocolFee),
      liquidity: requireValue<bigint>(outcomes[at + 1], `getLiquidity(${poolId})`),
      feeGrowthGlobal0X128: global0,
      feeGrowthGlobal1X128: global1,
      ranges: poolRanges,
    };
  });

  return { blockNumber, owner: input.owner, pools: poolSnapshots, positions, released };
}
