import { type HardhatNode, startHardhatNode } from "./node-process.ts";

/**
 * A node forking `url` (mainnet for a user who has an RPC, or a running devnet) at `blockNumber` (default: the
 * latest). State is read from the origin lazily and every change stays local: the origin is never written.
 */
export function startForkNode(options: {
  url: string;
  blockNumber?: number | undefined;
  port: number;
}): Promise<HardhatNode> {
  return startHardhatNode({
    port: options.port,
    fork: { url: options.url, blockNumber: options.blockNumber },
  });
}
