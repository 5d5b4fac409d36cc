import { createRequire } from "node:module";
import { type Abi, type Address, encodeFunctionData, getAddress, getContractAddress, type Hex } from "viem";
import { ERC2470_ABI } from "../chain/abis/erc2470-abi.ts";
import { rolesModifierDeployment } from "../execution/deploy-treasury-contracts.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { ERC2470_FACTORY, ROLES_V2_LIBRARIES } from "./mainnet-addresses.ts";
import { deployRuntimeAt, sendDevnetTransaction } from "./transactions.ts";

const requireFromHere = createRequire(import.meta.url);

interface MasterCopyInitData {
  initCode: Hex;
  salt: Hex;
}
interface ZodiacPackage {
  MasterCopyInitData: { roles_v2: MasterCopyInitData; factory: MasterCopyInitData };
  ContractAbis: { roles_v2: Abi; factory: Abi };
}
interface Erc2470Package {
  deployer: Address;
  funding: string | number | bigint;
  signedDeployTransaction: Hex;
}
interface TypechainFactory {
  abi: Abi;
  bytecode: Hex;
}

/** Loads the Zodiac packages (~0.3 s of module loading), e.g. while the node starts. */
export function preloadRolesPackages(): void {
  requireFromHere("@gnosis.pm/zodiac");
  requireFromHere("zodiac-roles-sdk/typechain");
}

export interface RolesStack {
  mastercopy: Address;
  moduleProxyFactory: Address;
}

/** ERC-2470 SingletonFactory by its keyless (pre-EIP-155) deployment transaction, the same on every chain. */
async function ensureErc2470(client: DevnetClient, funder: Address): Promise<void> {
  if (await client.publicClient.getCode({ address: ERC2470_FACTORY })) return;
  const corePath = requireFromHere
    .resolve("@gnosis-guild/zodiac-core")
    .replace(/index\.js$/, "factory/erc2470Factory.js");
  const erc2470 = requireFromHere(corePath) as Erc2470Package;
  await sendDevnetTransaction(client, "fund the ERC-2470 deployer", {
    from: funder,
    to: erc2470.deployer,
    value: BigInt(erc2470.funding),
  });
  await client.publicClient.request({
    method: "eth_sendRawTransaction",
    params: [erc2470.signedDeployTransaction],
  });
}

/**
 * CREATE2 through ERC-2470. Its `deploy` does not revert when the inner CREATE2 fails, so gas estimation comes
 * out too low: pass an explicit gas limit and check the code afterwards.
 */
async function deployViaErc2470(
  client: DevnetClient,
  from: Address,
  label: string,
  { initCode, salt }: MasterCopyInitData,
): Promise<Address> {
  const address = getContractAddress({ opcode: "CREATE2", from: ERC2470_FACTORY, salt, bytecode: initCode });
  if (await client.publicClient.getCode({ address })) return address;
  await sendDevnetTransaction(client, `ERC-2470 deploy ${label}`, {
    from,
    to: ERC2470_FACTORY,
    data: encodeFunctionData({ abi: ERC2470_ABI, functionName: "deploy", args: [initCode, salt] }),
    gas: 12_000_000n,
  });
  if (!(await client.publicClient.getCode({ address })))
    throw new Error(`ERC-2470 deploy of ${label} produced no code`);
  return address;
}

/**
 * Zodiac Roles v2: the mastercopy and ModuleProxyFactory at their canonical addresses (init code and salt from
 * @gnosis.pm/zodiac). The mastercopy is linked to the Integrity and Packer libraries at their mainnet addresses,
 * which no package ships as deployments: deploy zodiac-roles-sdk's library bytecode and set its runtime there
 * (both libraries are stateless, without immutables).
 */
export async function deployRolesStack(client: DevnetClient, deployer: Address): Promise<RolesStack> {
  await ensureErc2470(client, deployer);
  const zodiac = requireFromHere("@gnosis.pm/zodiac") as ZodiacPackage;
  const typechain = requireFromHere("zodiac-roles-sdk/typechain") as Record<string, TypechainFactory>;
  for (const [name, address] of [
    ["Integrity", ROLES_V2_LIBRARIES.integrity],
    ["Packer", ROLES_V2_LIBRARIES.packer],
  ] as const) {
    const factory = typechain[`${name}__factory`];
    if (!factory) throw new Error(`zodiac-roles-sdk/typechain has no ${name}__factory`);
    await deployRuntimeAt(
      client,
      deployer,
      { label: name, abi: factory.abi, bytecode: factory.bytecode },
      address,
    );
  }
  return {
    mastercopy: await deployViaErc2470(
      client,
      deployer,
      "Roles v2 mastercopy",
      zodiac.MasterCopyInitData.roles_v2,
    ),
    moduleProxyFactory: await deployViaErc2470(
      client,
      deployer,
      "ModuleProxyFactory",
      zodiac.MasterCopyInitData.factory,
    ),
  };
}

/**
 * A Roles v2 modifier (minimal proxy of the mastercopy) with `owner`, `avatar` and `target`, deployed by the
 * ModuleProxyFactory with `saltNonce`: its address depends only on these.
 */
export async function deployRolesModifier(
  client: DevnetClient,
  stack: RolesStack,
  from: Address,
  setup: { owner: Address; avatar: Address; target: Address; saltNonce: bigint },
): Promise<Address> {
  const zodiac = requireFromHere("@gnosis.pm/zodiac") as ZodiacPackage;
  const { initializer, address } = rolesModifierDeployment({
    ...setup,
    mastercopy: stack.mastercopy,
    moduleProxyFactory: stack.moduleProxyFactory,
  });
  if (await client.publicClient.getCode({ address })) return getAddress(address);
  await sendDevnetTransaction(client, "deploy the Roles modifier", {
    from,
    to: stack.moduleProxyFactory,
    data: encodeFunctionData({
      abi: zodiac.ContractAbis.factory,
      functionName: "deployModule",
      args: [stack.mastercopy, initializer, setup.saltNonce],
    }),
  });
  if (!(await client.publicClient.getCode({ address }))) {
    throw new Error(`the Roles modifier did not appear at ${address}`);
  }
  return getAddress(address);
}
