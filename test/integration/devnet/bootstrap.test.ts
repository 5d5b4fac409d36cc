import { createRequire } from "node:module";
import {
  type Address,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  type Hex,
  keccak256,
  parseAbi,
  parseUnits,
} from "viem";
import { describe, expect, it } from "vitest";
import { AGGREGATOR_V3_ABI } from "../../../src/chain/abis/chainlink-abi.ts";
import { PERP_CLEARING_HOUSE_ABI } from "../../../src/chain/abis/perp-v2-abi.ts";
import {
  POSITION_MANAGER_ABI,
  UNISWAP_V3_FACTORY_ABI,
  UNISWAP_V3_POOL_ABI,
} from "../../../src/chain/abis/uniswap-v3-abi.ts";
import { safeAbi } from "../../../src/chain/safe-transaction.ts";
import { devnetAccount } from "../../../src/devnet/accounts.ts";
import { perpArtifact } from "../../../src/devnet/deploy-perp.ts";
import { devnetErc20Abi } from "../../../src/devnet/deploy-tokens.ts";
import {
  MAINNET_FEEDS,
  MAINNET_TOKENS,
  MAINNET_UNISWAP_V3,
  MULTICALL3,
} from "../../../src/devnet/mainnet-addresses.ts";
import { DEFAULT_DEVNET_GAS } from "../../../src/devnet/transactions.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import { computeV3PoolAddress } from "../../../src/indexers/uniswap-v3-reads.ts";
import { useDevnet } from "../../support/devnet.ts";

const devnet = useDevnet();
const requireFromHere = createRequire(import.meta.url);

describe("devnet bootstrap", () => {
  it("places every protocol at its Ethereum mainnet address, with code", async () => {
    const { manifest, publicClient } = devnet();
    const { contracts } = manifest;
    const expected: Record<string, Address> = {
      multicall3: MULTICALL3,
      weth: MAINNET_TOKENS.weth,
      usdc: MAINNET_TOKENS.usdc,
      usdt: MAINNET_TOKENS.usdt,
      dai: MAINNET_TOKENS.dai,
      uniswapV3Factory: MAINNET_UNISWAP_V3.factory,
      swapRouter: MAINNET_UNISWAP_V3.swapRouter,
      positionManager: MAINNET_UNISWAP_V3.positionManager,
      quoterV2: MAINNET_UNISWAP_V3.quoterV2,
      safeSingleton: "0x41675C099F32341bf84BFc5382aF534df5C7461a",
      safeProxyFactory: "0x4e1DCf7AD4e460CfD30791CCC4F9c8a4f820ec67",
      multiSendCallOnly: "0x9641d764fc13c8B624c04430C7356C1C7C8102e2",
      rolesMastercopy: "0x9646fDAD06d3e24444381f44362a3B0eB343D337",
      moduleProxyFactory: "0x000000000000aDdB49795b0f9bA5BC298cDda236",
    };
    for (const [key, address] of Object.entries(expected)) {
      expect(getAddress(contracts[key as keyof typeof contracts] as Address), key).toBe(address);
      expect(await publicClient.getCode({ address }), key).toMatch(/^0x[0-9a-f]{100,}/);
    }
    expect(manifest.pools.usdcWeth500.address).toBe(MAINNET_UNISWAP_V3.usdcWeth500Pool);
    for (const key of ["ethUsd", "usdcUsd", "daiUsd", "usdtUsd"] as const) {
      expect(manifest.feeds[key].address).toBe(MAINNET_FEEDS[key].address);
    }
  });

  it("derives the real USDC/WETH 0.05% pool address from CREATE2 arithmetic, as the factory does", async () => {
    const { publicClient } = devnet();
    // Tokens given in the factory's call order (WETH first): the indexer's helper sorts them as the factory does.
    const computed = computeV3PoolAddress({
      factory: MAINNET_UNISWAP_V3.factory,
      tokenA: MAINNET_TOKENS.weth,
      tokenB: MAINNET_TOKENS.usdc,
      fee: 500,
      initCodeHash: MAINNET_UNISWAP_V3.poolInitCodeHash,
    });
    expect(computed).toBe("0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640");
    const fromFactory = await publicClient.readContract({
      address: MAINNET_UNISWAP_V3.factory,
      abi: UNISWAP_V3_FACTORY_ABI,
      functionName: "getPool",
      args: [MAINNET_TOKENS.weth, MAINNET_TOKENS.usdc, 500],
    });
    expect(fromFactory).toBe(computed);
  });

  it("runs Safe 1.4.1 with the canonical runtime code of safe-deployments", async () => {
    const { manifest, publicClient } = devnet();
    const deployments = requireFromHere("@safe-global/safe-deployments");
    for (const [getter, address] of [
      ["getSafeSingletonDeployment", manifest.contracts.safeSingleton],
      ["getProxyFactoryDeployment", manifest.contracts.safeProxyFactory],
      ["getMultiSendCallOnlyDeployment", manifest.contracts.multiSendCallOnly],
    ] as const) {
      const canonical = deployments[getter]({ version: "1.4.1" }).deployments.canonical;
      const code = await publicClient.getCode({ address });
      expect(keccak256(code ?? "0x"), getter).toBe(canonical.codeHash);
    }
  });

  it("gives the stablecoins mainnet names, symbols and decimals, and lets only the minter mint", async () => {
    const { manifest, publicClient } = devnet();
    for (const [address, symbol, decimals] of [
      [manifest.contracts.usdc, "USDC", 6],
      [manifest.contracts.usdt, "USDT", 6],
      [manifest.contracts.dai, "DAI", 18],
    ] as const) {
      expect(await publicClient.readContract({ address, abi: erc20Abi, functionName: "symbol" })).toBe(
        symbol,
      );
      expect(await publicClient.readContract({ address, abi: erc20Abi, functionName: "decimals" })).toBe(
        decimals,
      );
    }
    await expect(
      publicClient.simulateContract({
        address: manifest.contracts.usdc,
        abi: devnetErc20Abi(),
        functionName: "mint",
        args: [manifest.accounts.keeper.address, 1n],
        account: manifest.accounts.keeper.address,
      }),
    ).rejects.toThrow(/DevnetERC20UnauthorizedMinter/);
  });

  it("answers on every feed with 8 decimals, its mainnet description and phase-encoded round ids", async () => {
    const { manifest, publicClient } = devnet();
    for (const [key, description, answer] of [
      ["ethUsd", "ETH / USD", 3000n],
      ["usdcUsd", "USDC / USD", 1n],
      ["daiUsd", "DAI / USD", 1n],
      ["usdtUsd", "USDT / USD", 1n],
    ] as const) {
      const address = manifest.feeds[key].address;
      const read = <F extends "decimals" | "description" | "latestRoundData">(functionName: F) =>
        publicClient.readContract({ address, abi: AGGREGATOR_V3_ABI, functionName });
      expect(await read("decimals")).toBe(8);
      expect(await read("description")).toBe(description);
      const [roundId, latest] = (await read("latestRoundData")) as readonly [
        bigint,
        bigint,
        bigint,
        bigint,
        bigint,
      ];
      expect(roundId >> 64n, `${key} phase`).toBe(1n);
      expect(roundId & ((1n << 64n) - 1n), `${key} aggregator round`).toBeGreaterThan(0n);
      expect(latest).toBe(answer * 10n ** 8n);
    }
  });

  it("gives the treasury Safe three owners, threshold 2 and the Roles modifier as a module it owns", async () => {
    const { manifest, publicClient } = devnet();
    const safe = manifest.contracts.treasurySafe;
    const owners = await publicClient.readContract({
      address: safe,
      abi: safeAbi,
      functionName: "getOwners",
    });
    expect([...owners].sort()).toEqual(manifest.accounts.owners.map((owner) => owner.address).sort());
    expect(
      await publicClient.readContract({ address: safe, abi: safeAbi, functionName: "getThreshold" }),
    ).toBe(2n);
    expect(
      await publicClient.readContract({
        address: safe,
        abi: safeAbi,
        functionName: "isModuleEnabled",
        args: [manifest.contracts.roles],
      }),
    ).toBe(true);
    const rolesAbi = parseAbi([
      "function owner() view returns (address)",
      "function avatar() view returns (address)",
      "function target() view returns (address)",
    ]);
    for (const functionName of ["owner", "avatar", "target"] as const) {
      expect(
        await publicClient.readContract({ address: manifest.contracts.roles, abi: rolesAbi, functionName }),
      ).toBe(safe);
    }
  });

  it("executes an owner-signed Safe transaction with two signatures and rejects one signature", async () => {
    const { manifest, client, publicClient } = devnet();
    const safe = manifest.contracts.treasurySafe;
    const [first, second] = manifest.accounts.owners.map((owner) => devnetAccount(owner.index));
    const transfer = encodeFunctionData({
      abi: erc20Abi,
      functionName: "transfer",
      args: [manifest.accounts.keeper.address, parseUnits("1000", 6)],
    });
    await expect(
      execSafeTransaction(client, safe, [first!], {
        label: "one signature",
        to: manifest.contracts.usdc,
        data: transfer,
      }),
    ).rejects.toThrow(/GS020/);
    await execSafeTransaction(client, safe, [first!, second!], {
      label: "two signatures",
      to: manifest.contracts.usdc,
      data: transfer,
    });
    const balance = await publicClient.readContract({
      address: manifest.contracts.usdc,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [manifest.accounts.keeper.address],
    });
    expect(balance).toBe(parseUnits("1000", 6));
  });

  it("spreads pool liquidity over several ranges and keeps enough observations for a TWAP", async () => {
    const { manifest, publicClient, testClient } = devnet();
    for (const pool of Object.values(manifest.pools)) {
      const slot0 = await publicClient.readContract({
        address: pool.address,
        abi: UNISWAP_V3_POOL_ABI,
        functionName: "slot0",
      });
      expect(slot0[4], "observationCardinalityNext").toBeGreaterThanOrEqual(200);
    }
    const makerPositions = await publicClient.readContract({
      address: manifest.contracts.positionManager,
      abi: POSITION_MANAGER_ABI,
      functionName: "balanceOf",
      args: [manifest.accounts.maker.address],
    });
    expect(makerPositions).toBe(15n);
    await testClient.increaseTime({ seconds: 1800 });
    await testClient.mine({ blocks: 1 });
    const [tickCumulatives] = await publicClient.readContract({
      address: manifest.pools.usdcWeth500.address,
      abi: UNISWAP_V3_POOL_ABI,
      functionName: "observe",
      args: [[1800, 0]],
    });
    const twapTick = Number(tickCumulatives[1]! - tickCumulatives[0]!) / 1800;
    // ETH at 3000 USDC: tick ≈ log_1.0001(1e12 / 3000).
    expect(Math.abs(twapTick - Math.log(1e12 / 3000) / Math.log(1.0001))).toBeLessThan(5);
  });

  it("starts the treasury with in-range LP NFTs, reserves, perp collateral and a vETH short hedging part of the LP", async () => {
    const { manifest, publicClient } = devnet();
    const safe = manifest.contracts.treasurySafe;
    const { perp } = manifest.contracts;
    expect(manifest.positions.lpTokenIds).toHaveLength(2);
    let wethInLp = 0;
    for (const [index, tokenId] of manifest.positions.lpTokenIds.entries()) {
      const id = BigInt(tokenId);
      const owner = await publicClient.readContract({
        address: manifest.contracts.positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "ownerOf",
        args: [id],
      });
      expect(owner).toBe(safe);
      const position = await publicClient.readContract({
        address: manifest.contracts.positionManager,
        abi: POSITION_MANAGER_ABI,
        functionName: "positions",
        args: [id],
      });
      const pool = index === 0 ? manifest.pools.usdcWeth500 : manifest.pools.daiUsdc100;
      expect([position[2], position[3], position[4]]).toEqual([pool.token0, pool.token1, pool.fee]);
      const [, tick] = await publicClient.readContract({
        address: pool.address,
        abi: UNISWAP_V3_POOL_ABI,
        functionName: "slot0",
      });
      expect(position[5]).toBeLessThanOrEqual(tick);
      expect(tick).toBeLessThan(position[6]);
      if (index === 0) {
        // The LP's ETH delta is the ETH it holds: L · (1/√P − 1/√Pb) for token1 = WETH… read it from a simulated exit.
        const { result } = await publicClient.simulateContract({
          address: manifest.contracts.positionManager,
          abi: POSITION_MANAGER_ABI,
          functionName: "decreaseLiquidity",
          args: [
            { tokenId: id, liquidity: position[7], amount0Min: 0n, amount1Min: 0n, deadline: 2n ** 40n },
          ],
          account: safe,
        });
        wethInLp = Number(result[1]) / 1e18;
      }
    }
    for (const [token, minimum] of [
      [manifest.contracts.usdc, parseUnits("2000000", 6)],
      [manifest.contracts.usdt, parseUnits("1000000", 6)],
      [manifest.contracts.dai, parseUnits("1000000", 18)],
    ] as const) {
      const balance = await publicClient.readContract({
        address: token,
        abi: erc20Abi,
        functionName: "balanceOf",
        args: [safe],
      });
      expect(balance).toBeGreaterThanOrEqual(minimum);
    }
    const collateral = (await publicClient.readContract({
      address: perp.vault,
      abi: perpArtifact("Vault").abi,
      functionName: "getBalance",
      args: [safe],
    })) as bigint;
    expect(collateral).toBeGreaterThan(0n);
    const size = (await publicClient.readContract({
      address: perp.accountBalance,
      abi: perpArtifact("AccountBalance").abi,
      functionName: "getTakerPositionSize",
      args: [safe, manifest.positions.perpBaseToken],
    })) as bigint;
    expect(size).toBeLessThan(0n);
    // Two shorts, as the ClearingHouse logged them: the v3 LP's hedge, then the v4 positions' (starting-book-v4.ts).
    const opened = await publicClient.getContractEvents({
      address: perp.clearingHouse,
      abi: PERP_CLEARING_HOUSE_ABI,
      eventName: "PositionChanged",
      args: { trader: safe },
      fromBlock: 0n,
    });
    expect(opened).toHaveLength(manifest.uniswapV4 === undefined ? 1 : 2);
    expect(opened.reduce((sum, log) => sum + log.args.exchangedPositionSize!, 0n)).toBe(size);
    const hedgeRatio = -Number(opened[0]!.args.exchangedPositionSize!) / 1e18 / wethInLp;
    expect(hedgeRatio).toBeGreaterThan(0.5);
    expect(hedgeRatio).toBeLessThan(0.7);
  });

  it("sends a transaction that names no gas limit with the devnet's fixed limit, not an estimate from another state", async () => {
    const { manifest, publicClient, walletFor } = devnet();
    const usdc = manifest.contracts.usdc;
    const guardian = manifest.accounts.guardian.address;
    const transfer = (from: "maker" | "guardian", to: Address, gas?: bigint) =>
      walletFor(from).writeContract({
        address: usdc,
        abi: erc20Abi,
        functionName: "transfer",
        args: [to, 1n],
        ...(gas === undefined ? {} : { gas }),
      });
    const mined = async (hash: Promise<Hex>) =>
      (await publicClient.waitForTransactionReceipt({ hash: await hash })).status;
    // Estimated while the guardian holds USDC, mined once it holds none: its balance slot is then set from zero,
    // 20,000 gas instead of the 2,900 of a change (EIP-2200 with EIP-2929's prices), 17,100 more than estimated.
    expect(await mined(transfer("maker", guardian))).toBe("success");
    const estimated = await publicClient.estimateGas({
      account: manifest.accounts.maker.address,
      to: usdc,
      data: encodeFunctionData({ abi: erc20Abi, functionName: "transfer", args: [guardian, 1n] }),
    });
    expect(await mined(transfer("guardian", manifest.accounts.maker.address))).toBe("success");
    // Positive control: the estimate as the limit runs out of gas at the state the transaction is mined at (mined,
    // reverted, every unit of its limit spent).
    await expect(transfer("maker", guardian, estimated)).rejects.toThrow();
    const [short] = (await publicClient.getBlock({ includeTransactions: true })).transactions;
    const shortReceipt = await publicClient.getTransactionReceipt({ hash: short!.hash });
    expect([shortReceipt.status, shortReceipt.gasUsed]).toEqual(["reverted", estimated]);
    const hash = await transfer("maker", guardian);
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
    expect((await publicClient.getTransaction({ hash })).gas).toBe(DEFAULT_DEVNET_GAS);
  });

  it("serves viem's multicall through Multicall3 at its canonical address", async () => {
    const { manifest, publicClient } = devnet();
    const [usdcDecimals, daiDecimals] = await publicClient.multicall({
      contracts: [
        { address: manifest.contracts.usdc, abi: erc20Abi, functionName: "decimals" },
        { address: manifest.contracts.dai, abi: erc20Abi, functionName: "decimals" },
      ],
      allowFailure: false,
    });
    expect([usdcDecimals, daiDecimals]).toEqual([6, 18]);
  });
});
