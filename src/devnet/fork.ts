import { type HardhatNode, startHardhatNode } from "./node-process.ts";

export interface ForkNode extends HardhatNode {
  /** The origin block the fork started from, when known. */
  forkBlockNumber: number | undefined;
}

const DEVNET_CHAIN_ID = 31337;

async function rpc(url: string, method: string): Promise<string | undefined> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params: [] }),
      signal: AbortSignal.timeout(5_000),
    });
    return ((await response.json()) as { result?: string }).result;
  } catch {
    return undefined;
  }
}

/**
 * A node forking `url` (mainnet for a user who has an RPC, or a running devnet) at `blockNumber`. State is read
 * from the origin lazily and every change stays local: the origin is never written. Without a block number,
 * Hardhat forks a real chain some blocks behind its head (reorg safety), which on a devnet would be a block
 * from before its bootstrap: a devnet origin is forked at its head instead.
 */
export async function startForkNode(options: {
  url: string;
  blockNumber?: number | undefined;
  port: number;
}): Promise<ForkNode> {
  let blockNumber = options.blockNumber;
  if (blockNumber === undefined && Number(await rpc(options.url, "eth_chainId")) === DEVNET_CHAIN_ID) {
    const head = await rpc(options.url, "eth_blockNumber");
    if (head !== undefined) blockNumber = Number(head);
  }
  const node = await startHardhatNode({ port: options.port, fork: { url: options.url, blockNumber } });
  return { ...node, forkBlockNumber: blockNumber };
}
