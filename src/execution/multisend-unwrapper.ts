import {
  type Address,
  getAddress,
  getContractAddress,
  type Hex,
  type PublicClient,
  pad,
  type WalletClient,
} from "viem";
import { MultiSendUnwrapper__factory } from "zodiac-roles-sdk/typechain";
import { ERC2470_ABI } from "../chain/abis/erc2470-abi.ts";

/** ERC-2470 SingletonFactory: Zodiac deploys its singletons through it, the same address on every chain. */
export const ERC2470_FACTORY: Address = "0xce0042B868300000d44A59004Da54A005ffdcf9f";

/**
 * Zodiac's MultiSendUnwrapper (the adapter Roles v2 uses to check each call of a MultiSend batch), at the
 * address ERC-2470 gives its published bytecode with salt 0. Roles tooling recognises this address as a
 * MultiSend unwrapper (zodiac-roles-deployments), beside the older 0x93B7…27c0.
 */
export const MULTI_SEND_UNWRAPPER: Address = getAddress(
  getContractAddress({
    opcode: "CREATE2",
    from: ERC2470_FACTORY,
    salt: pad("0x00", { size: 32 }),
    bytecode: MultiSendUnwrapper__factory.bytecode as Hex,
  }),
);

/**
 * Deploys the unwrapper at its canonical address when the chain lacks it (a devnet, a new L2); a no-op where it
 * exists. ERC-2470's deploy does not revert when CREATE2 fails, so gas is explicit and the code is checked.
 */
export async function ensureMultiSendUnwrapper(
  publicClient: PublicClient,
  wallet: WalletClient,
): Promise<Address> {
  if (await publicClient.getCode({ address: MULTI_SEND_UNWRAPPER })) return MULTI_SEND_UNWRAPPER;
  if (!(await publicClient.getCode({ address: ERC2470_FACTORY }))) {
    throw new Error(`the ERC-2470 factory ${ERC2470_FACTORY} is not deployed on this chain`);
  }
  const hash = await wallet.writeContract({
    address: ERC2470_FACTORY,
    abi: ERC2470_ABI,
    functionName: "deploy",
    args: [MultiSendUnwrapper__factory.bytecode as Hex, pad("0x00", { size: 32 })],
    gas: 3_000_000n,
    account: wallet.account!,
    chain: wallet.chain,
  });
  await publicClient.waitForTransactionReceipt({ hash });
  if (!(await publicClient.getCode({ address: MULTI_SEND_UNWRAPPER }))) {
    throw new Error(`the MultiSendUnwrapper did not appear at ${MULTI_SEND_UNWRAPPER}`);
  }
  return MULTI_SEND_UNWRAPPER;
}
