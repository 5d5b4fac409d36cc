import { createPublicClient, defineChain, fallback, http, type PublicClient } from "viem";
import { DEFAULT_RETRY_POLICY, type RetryHooks, type RetryPolicy, retrying } from "./retrying-transport.ts";
import { redactRpcUrl } from "./rpc-url.ts";

/** Multicall3: the same address on every EVM chain that has it (mainnet, the devnet, L2s). */
export const MULTICALL3_ADDRESS = "0xcA11bde05977b3631167028862bE2a173976CA11";

export interface ChainClientOptions {
  chainId: number;
  name?: string;
  /** Tried in order; a failing URL falls through to the next. */
  rpcUrls: readonly string[];
  timeoutMs?: number;
  pollingIntervalMs?: number;
  retry?: RetryPolicy;
  hooks?: Omit<RetryHooks, "rpcUrls">;
}

/**
 * A viem public client for one chain: fallback across `rpcUrls` (each without its own retries), wrapped
 * in our classified, jittered retries; Multicall3 registered so `multicall` batches into one eth_call.
 * The chain's name carries only redacted URLs.
 */
export function createChainClient(options: ChainClientOptions): PublicClient {
  if (options.rpcUrls.length === 0) throw new Error("createChainClient: at least one RPC URL is required");
  const chain = defineChain({
    id: options.chainId,
    name: options.name ?? `chain-${options.chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: options.rpcUrls.map(redactRpcUrl) } },
    contracts: { multicall3: { address: MULTICALL3_ADDRESS } },
  });
  const timeout = options.timeoutMs ?? 10_000;
  const transport = retrying(
    fallback(
      options.rpcUrls.map((url) => http(url, { timeout, retryCount: 0 })),
      { rank: false, retryCount: 0 },
    ),
    options.retry ?? DEFAULT_RETRY_POLICY,
    { ...options.hooks, rpcUrls: options.rpcUrls },
  );
  return createPublicClient({
    chain,
    transport,
    pollingInterval: options.pollingIntervalMs ?? 1_000,
    batch: { multicall: false },
  }) as PublicClient;
}
