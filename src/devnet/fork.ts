import { redactRpcUrl } from "../chain/rpc-url.ts";
import { MAINNET_AAVE_V3 } from "./mainnet-addresses.ts";
import { DevnetNodeError, type HardhatNode, probeRpc, startHardhatNode } from "./node-process.ts";

export interface ForkNode extends HardhatNode {
  /** The origin block the fork started from, when known. */
  forkBlockNumber: number | undefined;
  /** The venues the origin has at their published addresses (a mainnet fork: Aave v3 Ethereum), if any. */
  venues: ForkVenues | undefined;
}

/** Venues a fork reads and trades at their real addresses, from their publishers' address books. */
export interface ForkVenues {
  aaveV3: typeof MAINNET_AAVE_V3;
}

const DEVNET_CHAIN_ID = 31337;
const MAINNET_CHAIN_ID = 1;

/** A fork of Ethereum mainnet has Aave v3 Ethereum (@aave-dao/aave-address-book); other origins bring their own. */
export function forkVenues(originChainId: number): ForkVenues | undefined {
  return originChainId === MAINNET_CHAIN_ID ? { aaveV3: MAINNET_AAVE_V3 } : undefined;
}
const PROBE_TIMEOUT_MS = 5_000;

/**
 * A node forking `url` (mainnet for a user who has an RPC, or a running devnet) at `blockNumber`. State is read
 * from the origin lazily and every change stays local: the origin is never written. Without a block number,
 * Hardhat forks a real chain some blocks behind its head (reorg safety), which on a devnet would be a block
 * from before its bootstrap: a devnet origin is forked at its head instead. An origin that does not answer is
 * refused here, in one line, before any node starts.
 */
export async function startForkNode(options: {
  url: string;
  blockNumber?: number | undefined;
  port: number;
}): Promise<ForkNode> {
  const origin = redactRpcUrl(options.url);
  const chainId = await probeRpc(options.url, PROBE_TIMEOUT_MS);
  if (chainId instanceof Error)
    throw new DevnetNodeError(`cannot reach the fork URL ${origin}: ${chainId.message}`);
  let blockNumber = options.blockNumber;
  if (blockNumber === undefined && chainId === DEVNET_CHAIN_ID) {
    const head = await probeRpc(options.url, PROBE_TIMEOUT_MS, "eth_blockNumber");
    if (head instanceof Error)
      throw new DevnetNodeError(
        `the fork URL ${origin} answered its chain id but not its head: ${head.message}`,
      );
    blockNumber = head;
  }
  const node = await startHardhatNode({ port: options.port, fork: { url: options.url, blockNumber } });
  try {
    await startClockAfterForkBlock(node.rpcUrl);
  } catch (error) {
    await node.stop();
    throw error;
  }
  return { ...node, forkBlockNumber: blockNumber, venues: forkVenues(chainId) };
}

/**
 * EDR stamps the fork's first block from the wall clock, which can fall at or before the fork block's own time
 * when the origin ran ahead of the clock (a devnet whose scenarios advanced time): seen here 1 s before its
 * parent, and Perp's TWAP then reverts every trade. Pinning the next block's time to max(parent + 1, now)
 * also rebases the node's clock, so every later block follows on from it.
 */
async function startClockAfterForkBlock(rpcUrl: string): Promise<void> {
  const block = (await rpcCall(rpcUrl, "eth_getBlockByNumber", ["latest", false])) as { timestamp: string };
  const next = Math.max(Number(block.timestamp) + 1, Math.floor(Date.now() / 1000));
  await rpcCall(rpcUrl, "evm_setNextBlockTimestamp", [next]);
}

async function rpcCall(url: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message?: string } };
  if (body.error !== undefined || body.result === undefined)
    throw new DevnetNodeError(
      `fork node: ${method} failed: ${body.error?.message ?? `HTTP ${response.status}`}`,
    );
  return body.result;
}
