import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type Address, type Hex, multicall3Abi } from "viem";
import type { DevnetClient } from "./devnet-client.ts";
import { MULTICALL3 } from "./mainnet-addresses.ts";
import { deployRuntimeAt } from "./transactions.ts";

/**
 * Multicall3's creation code as viem ships it (`multicall3Bytecode`, used for deployless multicall; solc
 * 0.8.12 like the mainnet contract). viem does not export it from a public entry point, so read it from the
 * installed package's constants module.
 */
function multicall3CreationCode(): Hex {
  const viemRoot = dirname(createRequire(import.meta.url).resolve("viem/package.json"));
  const source = readFileSync(join(viemRoot, "_esm/constants/contracts.js"), "utf8");
  const match = /multicall3Bytecode\s*=\s*'?"?(0x[0-9a-f]+)/.exec(source);
  if (!match?.[1]) throw new Error("viem no longer ships multicall3Bytecode in _esm/constants/contracts.js");
  return match[1] as Hex;
}

/**
 * Multicall3 at its canonical address. Multicall3 has no constructor logic and no immutables, so the runtime
 * of a normal deployment, set at the canonical address, behaves exactly like the mainnet contract.
 */
export async function deployMulticall3(client: DevnetClient, deployer: Address): Promise<Address> {
  return deployRuntimeAt(
    client,
    deployer,
    { label: "Multicall3", abi: multicall3Abi, bytecode: multicall3CreationCode() },
    MULTICALL3,
  );
}
