import { type Address, getAddress, stringToHex } from "viem";
import { UNISWAP_V3_FACTORY_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import { linkBytecode, loadArtifact } from "./artifacts.ts";
import type { DevnetClient } from "./devnet-client.ts";
import {
  MAINNET_DEPLOYERS,
  MAINNET_TOKENS,
  MAINNET_UNISWAP_V3,
  UNISWAP_V3_DEPLOYER_NONCES,
  WETH_DEPLOYER_NONCE,
} from "./mainnet-addresses.ts";
import { deployAsAt, impersonate, writeDevnetContract } from "./transactions.ts";

const CORE = "@uniswap/v3-core/artifacts/contracts";
const PERIPHERY = "@uniswap/v3-periphery/artifacts/contracts";

export interface UniswapV3Deployment {
  weth: Address;
  factory: Address;
  swapRouter: Address;
  positionManager: Address;
  quoterV2: Address;
  positionDescriptor: Address;
}

/**
 * WETH9 and Uniswap v3 at their mainnet addresses, from the packages' published bytecode. Setting runtime code
 * would not do: the factory's NoDelegateCall immutable and its constructor-written owner and fee tiers would be
 * missing. So each contract is deployed by its real mainnet deployer (impersonated) at the mainnet nonce,
 * with the mainnet constructor arguments.
 */
export async function deployUniswapV3(
  client: DevnetClient,
  /** A wrapped-ether token already in place (another chain's WETH); default: WETH9 at its mainnet address. */
  options: { weth?: Address } = {},
): Promise<UniswapV3Deployment> {
  const weth = options.weth ?? (await deployMainnetWeth(client));

  const deployer = MAINNET_DEPLOYERS.uniswapV3;
  const nonces = UNISWAP_V3_DEPLOYER_NONCES;
  await impersonate(client, deployer);
  const factoryArtifact = loadArtifact(`${CORE}/UniswapV3Factory.sol/UniswapV3Factory.json`);
  const factory = await deployAsAt(client, deployer, nonces.factory, {
    label: "UniswapV3Factory",
    ...factoryArtifact,
  });
  // Mainnet governance enabled the 1 bp tier later; the stable pools need it.
  await writeDevnetContract(client, deployer, {
    address: factory,
    abi: UNISWAP_V3_FACTORY_ABI,
    functionName: "enableFeeAmount",
    args: [100, 1],
  });
  const swapRouter = await deployAsAt(client, deployer, nonces.swapRouter, {
    label: "SwapRouter",
    ...loadArtifact(`${PERIPHERY}/SwapRouter.sol/SwapRouter.json`),
    args: [factory, weth],
  });
  const library = await deployAsAt(client, deployer, nonces.nftDescriptorLibrary, {
    label: "NFTDescriptor",
    ...loadArtifact(`${PERIPHERY}/libraries/NFTDescriptor.sol/NFTDescriptor.json`),
  });
  const descriptorArtifact = loadArtifact(
    `${PERIPHERY}/NonfungibleTokenPositionDescriptor.sol/NonfungibleTokenPositionDescriptor.json`,
  );
  const positionDescriptor = await deployAsAt(client, deployer, nonces.positionDescriptor, {
    label: "NonfungibleTokenPositionDescriptor",
    abi: descriptorArtifact.abi,
    bytecode: linkBytecode(descriptorArtifact, { NFTDescriptor: library }),
    args: [weth, stringToHex("ETH", { size: 32 })],
  });
  const positionManager = await deployAsAt(client, deployer, nonces.positionManager, {
    label: "NonfungiblePositionManager",
    ...loadArtifact(`${PERIPHERY}/NonfungiblePositionManager.sol/NonfungiblePositionManager.json`),
    args: [factory, weth, positionDescriptor],
  });
  const quoterV2 = await deployAsAt(client, deployer, nonces.quoterV2, {
    label: "QuoterV2",
    ...loadArtifact(`${PERIPHERY}/lens/QuoterV2.sol/QuoterV2.json`),
    args: [factory, weth],
  });
  await client.testClient.stopImpersonatingAccount({ address: deployer });

  const deployment = { weth, factory, swapRouter, positionManager, quoterV2, positionDescriptor };
  const expected: Partial<Record<keyof UniswapV3Deployment, Address>> = {
    weth: options.weth ?? MAINNET_TOKENS.weth,
    factory: MAINNET_UNISWAP_V3.factory,
    swapRouter: MAINNET_UNISWAP_V3.swapRouter,
    positionManager: MAINNET_UNISWAP_V3.positionManager,
    quoterV2: MAINNET_UNISWAP_V3.quoterV2,
  };
  for (const [key, address] of Object.entries(expected)) {
    const actual = deployment[key as keyof UniswapV3Deployment];
    if (getAddress(actual) !== address) {
      throw new Error(
        `${key} deployed at ${actual}, not at its mainnet address ${address}: was the chain fresh?`,
      );
    }
  }
  return deployment;
}

/** WETH9 by its mainnet deployer (impersonated) at its mainnet nonce. */
async function deployMainnetWeth(client: DevnetClient): Promise<Address> {
  await impersonate(client, MAINNET_DEPLOYERS.weth);
  const weth = await deployAsAt(client, MAINNET_DEPLOYERS.weth, WETH_DEPLOYER_NONCE, {
    label: "WETH9",
    ...loadArtifact("@uniswap/v2-periphery/build/WETH9.json"),
  });
  await client.testClient.stopImpersonatingAccount({ address: MAINNET_DEPLOYERS.weth });
  return weth;
}
