import {
  type Chain,
  createPublicClient,
  createTestClient,
  custom,
  defineChain,
  type EIP1193Provider,
  http,
  type PublicClient,
  type TestClient,
  type Transport,
} from "viem";
import { MULTICALL3_ADDRESS } from "../chain/client.ts";

/** viem polls every 4 s by default; a local chain answers in milliseconds. */
export const DEVNET_POLLING_INTERVAL_MS = 20;

/** The clients every devnet module takes first: reads, and Hardhat's test methods (impersonation, time, code). */
export interface DevnetClient {
  chain: Chain;
  transport: Transport;
  publicClient: PublicClient<Transport, Chain>;
  testClient: TestClient<"hardhat", Transport, Chain>;
}

/**
 * The transport to a devnet node: a URL (`hardhat node`) or an EIP-1193 provider (in-process EDR). No retries:
 * a local node does not drop requests, and viem's default retries turn every revert into a one-second wait.
 */
export function devnetTransport(target: string | EIP1193Provider): Transport {
  return typeof target === "string" ? http(target, { retryCount: 0 }) : custom(target, { retryCount: 0 });
}

export function devnetChain(chainId: number, rpcUrl: string): Chain {
  return defineChain({
    id: chainId,
    name: `hedgekeeper devnet ${chainId}`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    contracts: { multicall3: { address: MULTICALL3_ADDRESS } },
  });
}

export function createDevnetClient(transport: Transport, chain: Chain): DevnetClient {
  return {
    chain,
    transport,
    publicClient: createPublicClient({ chain, transport, pollingInterval: DEVNET_POLLING_INTERVAL_MS }),
    testClient: createTestClient({
      chain,
      transport,
      mode: "hardhat",
      pollingInterval: DEVNET_POLLING_INTERVAL_MS,
    }),
  };
}
