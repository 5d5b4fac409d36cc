import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { type Abi, type Address, encodeFunctionData, getAddress, type Hex, parseAbi } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createChainClient } from "../../../src/chain/client.ts";
import { bookSourcesFromConfig } from "../../../src/config/adapters.ts";
import { DEVNET_BOOK_ID, devnetConfig } from "../../../src/devnet/devnet-config.ts";
import { type Devnet, startDevnet } from "../../../src/devnet/index.ts";
import { sendDevnetTransaction } from "../../../src/devnet/transactions.ts";
import { createBookIndexer } from "../../../src/indexers/book-indexer.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";

// A Uniswap v2 pair from the protocol's own published bytecode (@uniswap/v2-core build/), holding LP tokens
// minted to the treasury Safe: the book indexer reads its reserves, supply and the Safe's share at one block.
const require = createRequire(import.meta.url);
const artifact = (name: string) =>
  JSON.parse(readFileSync(require.resolve(`@uniswap/v2-core/build/${name}.json`), "utf8")) as {
    abi: Abi;
    bytecode: string;
  };
const PAIR_ABI = parseAbi([
  "function getReserves() view returns (uint112, uint112, uint32)",
  "function totalSupply() view returns (uint256)",
  "function balanceOf(address) view returns (uint256)",
  "function mint(address to) returns (uint256)",
]);
const TOKEN_ABI = parseAbi([
  "function mint(address to, uint256 amount)",
  "function transfer(address to, uint256 amount) returns (bool)",
]);

let devnet: Devnet;
let pair: Address;
beforeAll(async () => {
  devnet = await startDevnet({ port: await freeLoopbackPort() });
  const m = devnet.manifest;
  const deployer = m.accounts.deployer.address;
  const factoryArtifact = artifact("UniswapV2Factory");
  const hash = await devnet.walletFor("deployer").deployContract({
    abi: factoryArtifact.abi,
    bytecode: `0x${factoryArtifact.bytecode.replace(/^0x/, "")}` as Hex,
    args: [deployer],
  });
  const factory = (await devnet.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
  const factoryAbi = parseAbi([
    "function createPair(address, address) returns (address)",
    "function getPair(address, address) view returns (address)",
  ]);
  await sendDevnetTransaction(devnet.client, "createPair", {
    from: deployer,
    to: factory,
    data: encodeFunctionData({
      abi: factoryAbi,
      functionName: "createPair",
      args: [m.contracts.usdc, m.contracts.dai],
    }),
  });
  pair = await devnet.publicClient.readContract({
    address: factory,
    abi: factoryAbi,
    functionName: "getPair",
    args: [m.contracts.usdc, m.contracts.dai],
  });
  // Fund the pair 1:1 (100k USDC, 100k DAI) and mint its LP tokens to the Safe.
  for (const [token, amount] of [
    [m.contracts.usdc, 100_000n * 10n ** 6n],
    [m.contracts.dai, 100_000n * 10n ** 18n],
  ] as const) {
    await sendDevnetTransaction(devnet.client, "mint to pair", {
      from: deployer,
      to: token,
      data: encodeFunctionData({ abi: TOKEN_ABI, functionName: "mint", args: [pair, amount] }),
    });
  }
  await sendDevnetTransaction(devnet.client, "pair.mint(Safe)", {
    from: deployer,
    to: pair,
    data: encodeFunctionData({ abi: PAIR_ABI, functionName: "mint", args: [m.contracts.treasurySafe] }),
  });
}, 120_000);
afterAll(() => devnet?.stop());

describe("book indexer on a Uniswap v2 pair", () => {
  it("reads reserves, total supply and the Safe's LP position at one block", async () => {
    const m = devnet.manifest;
    const client = createChainClient({ chainId: m.chainId, rpcUrls: [devnet.rpcUrl] });
    const sources = {
      ...bookSourcesFromConfig(devnetConfig(m), DEVNET_BOOK_ID),
      uniswapV2: { pairs: [pair] },
    };
    const block = await client.getBlockNumber({ cacheTime: 0 });
    const { snapshot } = await createBookIndexer(client, sources).snapshotAt(block, {
      keeper: { hedgeTriggered: false, lastPlanAtSec: null },
      samples: [],
    });
    const read = <T>(
      functionName: "getReserves" | "totalSupply" | "balanceOf",
      args: readonly unknown[] = [],
    ) =>
      devnet.publicClient.readContract({
        address: pair,
        abi: PAIR_ABI,
        functionName,
        args,
        blockNumber: block,
      } as never) as Promise<T>;
    const [reserve0, reserve1] = await read<readonly [bigint, bigint, number]>("getReserves");
    const totalSupply = await read<bigint>("totalSupply");
    const safeBalance = await read<bigint>("balanceOf", [m.contracts.treasurySafe]);

    const pool = snapshot.pools.find((p) => p.kind === "uniswap-v2");
    expect(pool).toMatchObject({
      kind: "uniswap-v2",
      address: getAddress(pair),
      reserve0,
      reserve1,
      totalSupply,
    });
    expect(pool?.kind === "uniswap-v2" && [pool.token0.symbol, pool.token1.symbol].sort()).toEqual([
      "DAI",
      "USDC",
    ]);
    const position = snapshot.lpPositions.find((p) => p.kind === "uniswap-v2");
    expect(position).toMatchObject({ kind: "uniswap-v2", pool: getAddress(pair), lpBalance: safeBalance });
    expect(safeBalance).toBeGreaterThan(0n);
    expect(safeBalance).toBeLessThan(totalSupply); // the pair keeps MINIMUM_LIQUIDITY locked
  });
});
