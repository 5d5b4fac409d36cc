import type { Address } from "viem";
import { loadProjectArtifact } from "./devnet-artifacts.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { MAINNET_TOKENS } from "./mainnet-addresses.ts";
import { deployRuntimeAt } from "./transactions.ts";

export interface StablecoinSpec {
  key: "usdc" | "usdt" | "dai";
  name: string;
  symbol: string;
  decimals: number;
}

/** Name, symbol and decimals as the mainnet contracts report them. */
export const DEVNET_STABLECOINS: readonly StablecoinSpec[] = [
  { key: "usdc", name: "USD Coin", symbol: "USDC", decimals: 6 },
  { key: "usdt", name: "Tether USD", symbol: "USDT", decimals: 6 },
  { key: "dai", name: "Dai Stablecoin", symbol: "DAI", decimals: 18 },
];

export function devnetErc20Abi() {
  return loadProjectArtifact("devnet/DevnetERC20.sol", "DevnetERC20").abi;
}

/**
 * USDC, USDT and DAI at their mainnet addresses: a DevnetERC20 (contracts/devnet) deployed anywhere, then its
 * runtime set at the mainnet address. All its settings are immutables, which live in the runtime code, so the
 * copy needs no storage writes and no initializer that someone else could call first.
 */
export async function deployStablecoins(
  client: DevnetClient,
  deployer: Address,
  minter: Address,
  /** Where each token goes: the chain's address book (default mainnet's). */
  tokens: Readonly<Record<StablecoinSpec["key"], Address>> = MAINNET_TOKENS,
): Promise<Record<StablecoinSpec["key"], Address>> {
  const artifact = loadProjectArtifact("devnet/DevnetERC20.sol", "DevnetERC20");
  for (const token of DEVNET_STABLECOINS) {
    await deployRuntimeAt(
      client,
      deployer,
      {
        label: `DevnetERC20 ${token.symbol}`,
        ...artifact,
        args: [token.name, token.symbol, token.decimals, minter],
      },
      tokens[token.key],
    );
  }
  return { usdc: tokens.usdc, usdt: tokens.usdt, dai: tokens.dai };
}
