import { createRequire } from "node:module";
import {
  type Address,
  concat,
  encodeFunctionData,
  getAddress,
  getContractAddress,
  type Hex,
  keccak256,
  pad,
  zeroAddress,
} from "viem";
import { loadArtifact } from "./artifacts.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { SAFE_SINGLETON_FACTORY, SAFE_SINGLETON_FACTORY_RUNTIME } from "./mainnet-addresses.ts";
import { sendDevnetTransaction } from "./transactions.ts";

const requireFromHere = createRequire(import.meta.url);
const SAFE = "@safe-global/safe-contracts/build/artifacts/contracts";

export interface SafeStack {
  singleton: Address;
  proxyFactory: Address;
  fallbackHandler: Address;
  multiSend: Address;
  multiSendCallOnly: Address;
}

interface SingletonFactoryInfo {
  gasPrice: number;
  gasLimit: number;
  signerAddress: Address;
  transaction: Hex;
}

/**
 * The Safe singleton factory at its canonical address: replays its presigned deployment transaction for this
 * chain id when @safe-global/safe-singleton-factory has one, otherwise sets its (constructor-free) runtime.
 */
async function ensureSafeSingletonFactory(client: DevnetClient, funder: Address): Promise<void> {
  if (await client.publicClient.getCode({ address: SAFE_SINGLETON_FACTORY })) return;
  const { getSingletonFactoryInfo } = requireFromHere("@safe-global/safe-singleton-factory") as {
    getSingletonFactoryInfo(chainId: number): SingletonFactoryInfo | undefined;
  };
  const info = getSingletonFactoryInfo(client.chain.id);
  if (!info) {
    await client.testClient.setCode({
      address: SAFE_SINGLETON_FACTORY,
      bytecode: SAFE_SINGLETON_FACTORY_RUNTIME,
    });
    return;
  }
  await sendDevnetTransaction(client, "fund the Safe singleton factory deployer", {
    from: funder,
    to: info.signerAddress,
    value: BigInt(info.gasPrice) * BigInt(info.gasLimit),
  });
  await client.publicClient.request({ method: "eth_sendRawTransaction", params: [info.transaction] });
}

/** CREATE2 through the singleton factory with salt 0: how Safe's canonical addresses were made. */
async function create2(client: DevnetClient, from: Address, label: string, initCode: Hex): Promise<Address> {
  const salt = pad("0x00", { size: 32 });
  const address = getContractAddress({
    opcode: "CREATE2",
    from: SAFE_SINGLETON_FACTORY,
    salt,
    bytecode: initCode,
  });
  if (await client.publicClient.getCode({ address })) return address;
  await sendDevnetTransaction(client, `CREATE2 ${label}`, {
    from,
    to: SAFE_SINGLETON_FACTORY,
    data: concat([salt, initCode]),
    gas: 8_000_000n,
  });
  if (!(await client.publicClient.getCode({ address })))
    throw new Error(`CREATE2 of ${label} produced no code`);
  return address;
}

/** Safe 1.4.1 (singleton, proxy factory, fallback handler, MultiSend, MultiSendCallOnly) at canonical addresses. */
export async function deploySafeStack(client: DevnetClient, deployer: Address): Promise<SafeStack> {
  await ensureSafeSingletonFactory(client, deployer);
  const code = (path: string) => loadArtifact(`${SAFE}/${path}`).bytecode;
  return {
    singleton: await create2(client, deployer, "Safe 1.4.1", code("Safe.sol/Safe.json")),
    proxyFactory: await create2(
      client,
      deployer,
      "SafeProxyFactory",
      code("proxies/SafeProxyFactory.sol/SafeProxyFactory.json"),
    ),
    fallbackHandler: await create2(
      client,
      deployer,
      "CompatibilityFallbackHandler",
      code("handler/CompatibilityFallbackHandler.sol/CompatibilityFallbackHandler.json"),
    ),
    multiSend: await create2(client, deployer, "MultiSend", code("libraries/MultiSend.sol/MultiSend.json")),
    multiSendCallOnly: await create2(
      client,
      deployer,
      "MultiSendCallOnly",
      code("libraries/MultiSendCallOnly.sol/MultiSendCallOnly.json"),
    ),
  };
}

/**
 * A Safe proxy with `owners` and `threshold`, created with `createProxyWithNonce` so its address depends only on
 * the setup and `saltNonce`.
 */
export async function createSafe(
  client: DevnetClient,
  stack: SafeStack,
  from: Address,
  setup: { owners: readonly Address[]; threshold: number; saltNonce: bigint },
): Promise<Address> {
  const safeArtifact = loadArtifact(`${SAFE}/Safe.sol/Safe.json`);
  const factoryArtifact = loadArtifact(`${SAFE}/proxies/SafeProxyFactory.sol/SafeProxyFactory.json`);
  const proxyArtifact = loadArtifact(`${SAFE}/proxies/SafeProxy.sol/SafeProxy.json`);
  const initializer = encodeFunctionData({
    abi: safeArtifact.abi,
    functionName: "setup",
    args: [
      setup.owners,
      BigInt(setup.threshold),
      zeroAddress,
      "0x",
      stack.fallbackHandler,
      zeroAddress,
      0n,
      zeroAddress,
    ],
  });
  // SafeProxyFactory: salt = keccak256(keccak256(initializer) ‖ saltNonce), init code = proxy code ‖ singleton.
  const salt = keccak256(
    concat([keccak256(initializer), pad(`0x${setup.saltNonce.toString(16)}`, { size: 32 })]),
  );
  const address = getContractAddress({
    opcode: "CREATE2",
    from: stack.proxyFactory,
    salt,
    bytecode: concat([proxyArtifact.bytecode, pad(stack.singleton, { size: 32 })]),
  });
  if (await client.publicClient.getCode({ address })) return getAddress(address);
  await sendDevnetTransaction(client, "create the treasury Safe", {
    from,
    to: stack.proxyFactory,
    data: encodeFunctionData({
      abi: factoryArtifact.abi,
      functionName: "createProxyWithNonce",
      args: [stack.singleton, initializer, setup.saltNonce],
    }),
  });
  if (!(await client.publicClient.getCode({ address })))
    throw new Error(`the Safe did not appear at ${address}`);
  return getAddress(address);
}
