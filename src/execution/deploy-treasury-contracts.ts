import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import {
  type Abi,
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  getContractAddress,
  type Hex,
  keccak256,
  type PublicClient,
  parseAbi,
  type WalletClient,
  zeroAddress,
} from "viem";
import { ROLES_ABI } from "./abis.ts";

/** Zodiac's canonical Roles v2 mastercopy and ModuleProxyFactory (the same on every chain they are on). */
export const ROLES_V2_MASTERCOPY: Address = "0x9646fDAD06d3e24444381f44362a3B0eB343D337";
export const MODULE_PROXY_FACTORY: Address = "0x000000000000aDdB49795b0f9bA5BC298cDda236";

const MODULE_PROXY_FACTORY_ABI = parseAbi([
  "function deployModule(address masterCopy, bytes initializer, uint256 saltNonce) returns (address proxy)",
]);

/** One of our compiled contracts (from `hardhat build`): HedgeGuard asserts, HedgeBounds bounds; neither moves funds. */
type TreasuryContract = "HedgeGuard" | "HedgeBounds" | "V4WithdrawalBounds";

function compiledArtifact(name: TreasuryContract): { abi: Abi; bytecode: Hex } {
  const relative = `artifacts/contracts/${name}.sol/${name}.json`;
  let text: string;
  try {
    text = readFileSync(fileURLToPath(new URL(`../../${relative}`, import.meta.url)), "utf8");
  } catch {
    throw new Error(`${relative} is missing: run \`npm run compile\` first`);
  }
  const artifact = JSON.parse(text) as { abi: Abi; bytecode: Hex };
  return { abi: artifact.abi, bytecode: artifact.bytecode };
}

async function deployCompiled(
  publicClient: PublicClient,
  wallet: WalletClient,
  name: TreasuryContract,
  args: readonly unknown[],
): Promise<Address> {
  const { abi, bytecode } = compiledArtifact(name);
  const hash = await wallet.deployContract({
    abi,
    bytecode,
    args,
    account: wallet.account!,
    chain: wallet.chain,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error(`${name} deployment failed`);
  return getAddress(receipt.contractAddress);
}

/**
 * Deploys HedgeGuard for a treasury: owned by its Safe, reading perp positions from `positionSource`. On an L2,
 * `sequencerUptimeFeed` makes every premise check refuse while Chainlink's uptime feed reports the sequencer down or
 * within `gracePeriodSec` of coming back (the config's `sequencerUptimeFeed`, the same period the keeper waits off
 * chain); without it (an L1) there is no such check.
 */
export async function deployHedgeGuard(
  publicClient: PublicClient,
  wallet: WalletClient,
  args: {
    owner: Address;
    positionSource: Address;
    sequencerUptimeFeed?: { address: Address; gracePeriodSec: number } | undefined;
  },
): Promise<Address> {
  return deployCompiled(publicClient, wallet, "HedgeGuard", [
    args.owner,
    args.positionSource,
    args.sequencerUptimeFeed?.address ?? zeroAddress,
    BigInt(args.sequencerUptimeFeed?.gracePeriodSec ?? 0),
  ]);
}

/**
 * Deploys HedgeBounds for a treasury: owned by its Safe (which sets the price sources), judging the positions and
 * balances of `treasury`, reading perp positions from `positionSource`. Roles conditions then name it as their
 * custom-condition adapter.
 */
export async function deployHedgeBounds(
  publicClient: PublicClient,
  wallet: WalletClient,
  args: { owner: Address; treasury: Address; positionSource: Address },
): Promise<Address> {
  return deployCompiled(publicClient, wallet, "HedgeBounds", [
    args.owner,
    args.treasury,
    args.positionSource,
  ]);
}

/**
 * Deploys V4WithdrawalBounds for a treasury: the Roles condition that lets its keeper withdraw only the treasury's
 * own Uniswap v4 positions, to the treasury. Immutable: nothing to own.
 */
export async function deployV4WithdrawalBounds(
  publicClient: PublicClient,
  wallet: WalletClient,
  args: { treasury: Address; positionManager: Address },
): Promise<Address> {
  return deployCompiled(publicClient, wallet, "V4WithdrawalBounds", [args.treasury, args.positionManager]);
}

/**
 * Deploys a Roles v2 modifier for an existing Safe (owner = avatar = target = the Safe) as a minimal proxy of
 * the canonical mastercopy through the ModuleProxyFactory; the address follows from the Safe and `saltNonce`.
 * Enabling it on the Safe is one of the setup transactions the owners sign (treasury-setup.ts).
 */
export async function deployRolesModifierForSafe(
  publicClient: PublicClient,
  wallet: WalletClient,
  args: { safe: Address; saltNonce: bigint },
): Promise<Address> {
  const { initializer, address } = rolesModifierDeployment({
    owner: args.safe,
    avatar: args.safe,
    target: args.safe,
    saltNonce: args.saltNonce,
  });
  if (await publicClient.getCode({ address })) return address;
  const hash = await wallet.writeContract({
    address: MODULE_PROXY_FACTORY,
    abi: MODULE_PROXY_FACTORY_ABI,
    functionName: "deployModule",
    args: [ROLES_V2_MASTERCOPY, initializer, args.saltNonce],
    account: wallet.account!,
    chain: wallet.chain,
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !(await publicClient.getCode({ address }))) {
    throw new Error(`the Roles modifier did not appear at ${address}`);
  }
  return address;
}

/**
 * The setUp initializer of a Roles v2 modifier and the address the ModuleProxyFactory deploys it at: CREATE2 with
 * salt = keccak256(keccak256(initializer) ‖ saltNonce) over an EIP-1167 proxy of the mastercopy. The address
 * depends only on these, so it is known before deploying.
 */
export function rolesModifierDeployment(setup: {
  owner: Address;
  avatar: Address;
  target: Address;
  saltNonce: bigint;
  mastercopy?: Address;
  moduleProxyFactory?: Address;
}): { initializer: Hex; address: Address } {
  const mastercopy = setup.mastercopy ?? ROLES_V2_MASTERCOPY;
  const initializer = encodeFunctionData({
    abi: ROLES_ABI,
    functionName: "setUp",
    args: [
      encodeAbiParameters(
        [{ type: "address" }, { type: "address" }, { type: "address" }],
        [setup.owner, setup.avatar, setup.target],
      ),
    ],
  });
  const salt = keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "uint256" }],
      [keccak256(initializer), setup.saltNonce],
    ),
  );
  const proxyInitCode =
    `0x602d8060093d393df3363d3d373d3d3d363d73${mastercopy.slice(2).toLowerCase()}5af43d82803e903d91602b57fd5bf3` as Hex;
  const address = getAddress(
    getContractAddress({
      opcode: "CREATE2",
      from: setup.moduleProxyFactory ?? MODULE_PROXY_FACTORY,
      salt,
      bytecode: proxyInitCode,
    }),
  );
  return { initializer, address };
}
