import { pbkdf2Sync } from "node:crypto";
import { type Address, type Hex, toHex } from "viem";
import { type HDAccount, HDKey, hdKeyToAccount } from "viem/accounts";

/** The standard test mnemonic: Hardhat's node unlocks its first 20 accounts. */
export const DEVNET_MNEMONIC = "test test test test test test test test test test test junk";

/** Which index of {@link DEVNET_MNEMONIC} plays which part. */
export const DEVNET_ACCOUNT_INDEXES = {
  deployer: 0,
  keeper: 1,
  guardian: 2,
  owners: [3, 4, 5],
  /** Provides Uniswap and perp liquidity. */
  maker: 6,
  /** Moves markets in scenarios (swaps, perp trades). */
  trader: 7,
  /** Deploys Perpetual Protocol alone, so perp addresses depend only on the perp deployment. */
  perpDeployer: 8,
  /** Deploys Aave v3 and plays its governance (ACL, pool admin), so Aave addresses depend only on Aave. */
  aaveAdmin: 9,
  /** The treasury's deleverager: may only repay its Aave debt (a second, lower-privilege key). */
  deleverager: 10,
} as const;

export type DevnetRole =
  | "deployer"
  | "keeper"
  | "guardian"
  | "owner0"
  | "owner1"
  | "owner2"
  | "maker"
  | "trader";

const accounts = new Map<number, HDAccount>();
let masterKey: HDKey | undefined;

/**
 * The mnemonic's BIP-32 master key, computed once. BIP-39 seed = PBKDF2-HMAC-SHA512(mnemonic, "mnemonic",
 * 2048 rounds): node:crypto does it natively; viem's `mnemonicToAccount` redoes it in JavaScript for every
 * account (~50 ms each).
 */
function devnetMasterKey(): HDKey {
  masterKey ??= HDKey.fromMasterSeed(
    pbkdf2Sync(DEVNET_MNEMONIC.normalize("NFKD"), "mnemonic", 2048, 64, "sha512"),
  );
  return masterKey;
}

/** The local (signing) account at `index` of the test mnemonic (path m/44'/60'/0'/0/index). */
export function devnetAccount(index: number): HDAccount {
  let account = accounts.get(index);
  if (!account) {
    account = hdKeyToAccount(devnetMasterKey(), { addressIndex: index });
    accounts.set(index, account);
  }
  return account;
}

/** The private key at `index` of the test mnemonic (a devnet key: public knowledge, never a real one). */
export function devnetPrivateKey(index: number): Hex {
  const key = devnetAccount(index).getHdKey().privateKey;
  if (!key) throw new Error(`no private key at index ${index}`);
  return toHex(key);
}

export function devnetAddress(index: number): Address {
  return devnetAccount(index).address;
}

export function roleIndex(role: DevnetRole): number {
  switch (role) {
    case "owner0":
      return DEVNET_ACCOUNT_INDEXES.owners[0];
    case "owner1":
      return DEVNET_ACCOUNT_INDEXES.owners[1];
    case "owner2":
      return DEVNET_ACCOUNT_INDEXES.owners[2];
    default:
      return DEVNET_ACCOUNT_INDEXES[role];
  }
}
