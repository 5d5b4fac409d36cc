import { type Address, getContractAddress, keccak256, toHex } from "viem";
import { describe, expect, it } from "vitest";
import { HOOK_FLAGS } from "../engine/v4-hook-flags.ts";
import { mineHookSalt } from "./hook-salt.ts";

const PROXY: Address = "0x4e59b44847b379578588920cA78FbF26c0B4956C";

describe("mineHookSalt", () => {
  it("finds a salt whose CREATE2 address carries exactly the hook's flags, and takes a right hint at once", () => {
    const initCodeHash = keccak256(toHex("any init code"));
    const flags = HOOK_FLAGS.beforeSwap | HOOK_FLAGS.afterSwap;
    const mined = mineHookSalt(PROXY, initCodeHash, flags);
    expect(
      getContractAddress({ opcode: "CREATE2", from: PROXY, salt: mined.salt, bytecodeHash: initCodeHash }),
    ).toBe(mined.address);
    expect(Number(BigInt(mined.address) & 0x3fffn)).toBe(flags);
    expect(mineHookSalt(PROXY, initCodeHash, flags, { hint: Number(BigInt(mined.salt)) })).toEqual({
      ...mined,
      tries: 1,
    });
  });

  it("searches when the hint no longer fits, and refuses flags beyond 14 bits", () => {
    const initCodeHash = keccak256(toHex("changed init code"));
    const mined = mineHookSalt(PROXY, initCodeHash, HOOK_FLAGS.afterInitialize, { hint: 0x71be });
    expect(Number(BigInt(mined.address) & 0x3fffn)).toBe(HOOK_FLAGS.afterInitialize);
    expect(() => mineHookSalt(PROXY, initCodeHash, 1 << 14)).toThrow(RangeError);
  });
});
