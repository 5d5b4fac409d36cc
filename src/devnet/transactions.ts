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
 * Gas limit when none is given: enough for any devnet deployment or trade. Skipping estimation matters: for
 * heavy transactions the node would run them several times to estimate, which was most of the bootstrap time.
 */
export const DEFAULT_DEVNET_GAS = 15_000_000n;

/** A deadline far enough in the future for any devnet run. */
export const NO_DEADLINE = 2n ** 48n;

/**
 * Sends one transaction from an account the node holds (unlocked or impersonated). One request: the node
 * fills nonce and fees, and with automine returns after the block is mined, or fails if it reverts, so no
 * receipt polling is needed.
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
          gas: numberToHex(tx.gas ?? DEFAULT_DEVNET_GAS),
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

/** A transaction with the name it goes by in errors and reports. */
export interface LabelledTransaction extends RawTransaction {
  label: string;
}

/**
 * Sends `transactions` and mines them together in one block, then fails with the first one that reverted. The
 * node must not be automining (see `withManualMining`); every transaction needs an explicit gas limit, since
 * estimates would not see the others pending before it.
 */
export function sendInOneBlock(
  client: DevnetClient,
  transactions: readonly LabelledTransaction[],
): Promise<void> {
  return sendInOneBlockThenRead(client, transactions, async () => undefined);
}

/**
 * `sendInOneBlock`, and `readAfter` on the new block. The read runs while the receipts are fetched: over HTTP
 * each request is a round trip, and the two do not depend on each other. A revert wins over the read's result.
 */
export async function sendInOneBlockThenRead<T>(
  client: DevnetClient,
  transactions: readonly LabelledTransaction[],
  readAfter: () => Promise<T>,
): Promise<T> {
  const hashes: Hash[] = [];
  for (const tx of transactions) {
    if (tx.gas === undefined)
      throw new DevnetTransactionError(`${tx.label}: a batched transaction needs a gas limit`);
    hashes.push(await sendDevnetTransaction(client, tx.label, tx));
  }
  await client.testClient.mine({ blocks: 1 });
  const [receipts, after] = await Promise.all([
    Promise.all(hashes.map((hash) => client.publicClient.getTransactionReceipt({ hash }))),
    readAfter().then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  ]);
  const failed = receipts.findIndex((receipt) => receipt.status !== "success");
  if (failed !== -1) throw new DevnetTransactionError(`${transactions[failed]?.label} reverted`);
  if (!after.ok) throw after.error;
  return after.value;
}

/** Copies the runtime code at `from` to `to` (storage stays behind: callers copy the slots they need). */
export async function copyRuntimeCode(client: DevnetClient, from: Address, to: Address): Promise<void> {
  const runtime = await client.publicClient.getCode({ address: from });
  if (!runtime) throw new DevnetTransactionError(`no runtime code at ${from} to copy to ${to}`);
  await client.testClient.setCode({ address: to, bytecode: runtime });
}

/**
 * Copies runtime code and the listed storage slots from `from` to `to`: moves a contract constructed at a scratch
 * address (immutables in its code, constructor-written state in the slots) to an address we cannot deploy at.
 */
export async function moveContract(
  client: DevnetClient,
  from: Address,
  to: Address,
  slots: readonly Hex[],
): Promise<void> {
  await copyRuntimeCode(client, from, to);
  for (const slot of slots) {
    const value = await client.publicClient.getStorageAt({ address: from, slot });
    if (value && BigInt(value) !== 0n)
      await client.testClient.setStorageAt({ address: to, index: slot, value });
  }
}

/**
 * Deploys at a scratch address and places the runtime at `address` (a mainnet address whose deployer we cannot
 * replay). Faithful for contracts whose state lives in code (no constructor storage): immutables travel with it.
 */
export async function deployRuntimeAt(
  client: DevnetClient,
  from: Address,
  deployment: Deployment,
  address: Address,
): Promise<Address> {
  await copyRuntimeCode(client, await deployDevnetContract(client, from, deployment), address);
  return address;
}

/** Runs `work` with automine off, so it decides what goes in each block; restores automine afterwards. */
export async function withManualMining<T>(client: DevnetClient, work: () => Promise<T>): Promise<T> {
  await client.testClient.setAutomine(false);
  try {
    return await work();
  } finally {
    await client.testClient.setAutomine(true);
  }
}
