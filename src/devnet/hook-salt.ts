// CREATE2 salt search for a Uniswap v4 hook: the PoolManager reads a hook's permissions from the low 14 bits of
// its address, so the salt must make CREATE2(deployer, salt, initCodeHash) end in exactly those bits. One try in
// 2^14 succeeds; the search starts at salt 0, so the same init code always gives the same salt and address.
import { keccak_256 } from "@noble/hashes/sha3";
import { type Address, bytesToHex, getAddress, type Hex, hexToBytes } from "viem";

const HOOK_MASK = (1 << 14) - 1;

export interface MinedHookSalt {
  salt: Hex;
  address: Address;
  /** Salts hashed: 1 when the hint was right. */
  tries: number;
}

/**
 * The first salt (counting up from 0) whose CREATE2 address carries exactly `flags` in its low 14 bits:
 * keccak256(0xff ‖ deployer ‖ salt ‖ initCodeHash)[12:], hashed in place (~20 µs a try, 2^14 tries expected).
 * `hint`, a salt this search found earlier, is checked first: while the init code is unchanged, no search.
 */
export function mineHookSalt(
  deployer: Address,
  initCodeHash: Hex,
  flags: number,
  options: { hint?: number; maxTries?: number } = {},
): MinedHookSalt {
  if (flags < 0 || flags > HOOK_MASK) throw new RangeError(`hook flags must fit 14 bits, got ${flags}`);
  const preimage = new Uint8Array(85);
  preimage[0] = 0xff;
  preimage.set(hexToBytes(deployer), 1);
  preimage.set(hexToBytes(initCodeHash), 53);
  const view = new DataView(preimage.buffer);
  const attempt = (salt: number): Uint8Array | undefined => {
    view.setUint32(49, salt); // the salt's last 4 bytes, big-endian
    const hash = keccak_256(preimage);
    return (((hash[30]! << 8) | hash[31]!) & HOOK_MASK) === flags ? hash : undefined;
  };
  const found = (hash: Uint8Array, tries: number): MinedHookSalt => ({
    salt: bytesToHex(preimage.slice(21, 53)),
    address: getAddress(bytesToHex(hash.slice(12))),
    tries,
  });
  if (options.hint !== undefined) {
    const hash = attempt(options.hint);
    if (hash) return found(hash, 1);
  }
  const maxTries = options.maxTries ?? 1 << 22;
  for (let salt = 0; salt < maxTries; salt += 1) {
    const hash = attempt(salt);
    if (hash) return found(hash, salt + 1);
  }
  throw new Error(`no salt in ${maxTries} tries gives hook flags 0x${flags.toString(16)}`);
}
