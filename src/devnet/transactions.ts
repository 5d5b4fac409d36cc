import {
  type Abi,
  type Address,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  type Hash,
  type Hex,
  numberToHex,
} from "viem";
import type { DevnetClient } from "./devnet-client.ts";

/** A devnet transaction failed; `message` names the step and the node's reason. */
export class DevnetTransactionError extends Error {
  override name = "DevnetTransactionError";
}

export interface RawTransaction {
  from: Address;
  to?: Address;
  data?: Hex;
  value?: bigint;
  gas?: bigint;
}

/**
 * Sends one transaction from an account the node holds (unlocked or impersonated). One request: the node
 * fills nonce, fees and gas, and with automine returns after the block is mined, or fails if it reverts,
 * so no receipt polling is needed.
 */
export async function sendDevnetTransaction(
  client: DevnetClient,
  label: string,
  tx: RawTransaction,
): Promise<Hash> {
  try {
    return await client.publicClient.request({
      method: "eth_sendTransaction",
      params: [
        {
          from: tx.from,
          ...(tx.to ? { to: tx.to } : {}),
          ...(tx.data ? { data: tx.data } : {}),
          ...(tx.value ? { value: numberToHex(tx.value) } : {}),
          ...(tx.gas ? { gas: numberToHex(tx.gas) } : {}),
        },
      ],
    } as never);
  } catch (error) {
    const reason =
      error instanceof Error ? (error as { details?: string }).details || error.message : String(error);
    throw new DevnetTransactionError(`${label} failed: ${reason.split("\n")[0]}`, { cause: error });
  }
}

export interface ContractCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
  value?: bigint;
  gas?: bigint;
}

export function writeDevnetContract(client: DevnetClient, from: Address, call: ContractCall): Promise<Hash> {
  const data = encodeFunctionData({ abi: call.abi, functionName: call.functionName, args: call.args ?? [] });
  return sendDevnetTransaction(client, `${call.functionName} on ${call.address}`, {
    from,
    to: call.address,
    data,
    ...(call.value ? { value: call.value } : {}),
    ...(call.gas ? { gas: call.gas } : {}),
  });
}

export interface Deployment {
  label: string;
  abi: Abi;
  bytecode: Hex;
  args?: readonly unknown[];
}

/** Deploys with CREATE from `from` and returns the new contract's address. */
export async function deployDevnetContract(
  client: DevnetClient,
  from: Address,
  deployment: Deployment,
): Promise<Address> {
  const data = encodeDeployData({
    abi: deployment.abi,
    bytecode: deployment.bytecode,
    args: deployment.args ?? [],
  });
  const hash = await sendDevnetTransaction(client, `deploy ${deployment.label}`, { from, data });
  const receipt = await client.publicClient.getTransactionReceipt({ hash });
  if (!receipt.contractAddress)
    throw new DevnetTransactionError(`deploy ${deployment.label} created no contract`);
  return getAddress(receipt.contractAddress);
}

/**
 * Deploys from an account the node does not hold, at a chosen nonce: how the devnet reproduces a mainnet
 * CREATE address (impersonate the real deployer, set its nonce, deploy with the real constructor).
 */
export async function deployAsAt(
  client: DevnetClient,
  deployer: Address,
  nonce: number,
  deployment: Deployment,
): Promise<Address> {
  await client.testClient.setNonce({ address: deployer, nonce });
  return deployDevnetContract(client, deployer, deployment);
}

/** Lets `address` send transactions through the node, with enough ETH for gas. */
export async function impersonate(client: DevnetClient, address: Address): Promise<void> {
  await client.testClient.impersonateAccount({ address });
  await client.testClient.setBalance({ address, value: 10n ** 21n });
}
