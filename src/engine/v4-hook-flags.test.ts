import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.ts";
import type { Address } from "./plan.ts";
import { v4Sdk } from "./uniswap-v4-sdk.test-support.ts";
import {
  DYNAMIC_FEE_FLAG,
  decodeHookPermissions,
  HOOK_FLAGS,
  hookFlagsOf,
  hookPermissionNames,
  isValidHookAddress,
  NO_HOOK,
} from "./v4-hook-flags.ts";

const address = fc
  .uint8Array({ minLength: 20, maxLength: 20 })
  .map((bytes) => `0x${Buffer.from(bytes).toString("hex")}` as Address);

describe("v4 hook permissions", () => {
  it("decode the address bits exactly as the v4-sdk's Hook.permissions", () => {
    fc.assert(
      fc.property(address, (hooks) => {
        expect(decodeHookPermissions(hooks)).toEqual(v4Sdk.Hook.permissions(hooks));
      }),
      { numRuns: 2_000 },
    );
  });

  it("read only the low 14 bits, named in Hooks.sol's order", () => {
    const hook: Address = "0xffffffffffffffffffffffffffffffffffff1080"; // afterInitialize | beforeSwap, junk above
    expect(hookFlagsOf(hook)).toBe(HOOK_FLAGS.afterInitialize | HOOK_FLAGS.beforeSwap);
    expect(hookPermissionNames(hook)).toEqual(["afterInitialize", "beforeSwap"]);
    expect(hookPermissionNames(NO_HOOK)).toEqual([]);
  });

  it("accept the hooks and fees the PoolManager accepts (Hooks.isValidHookAddress)", () => {
    expect(isValidHookAddress(NO_HOOK, 500)).toBe(true);
    expect(isValidHookAddress(NO_HOOK, DYNAMIC_FEE_FLAG)).toBe(false); // a dynamic fee needs a hook to set it
    expect(isValidHookAddress("0x0000000000000000000000000000000000001000", 500)).toBe(true);
    expect(isValidHookAddress("0x0000000000000000000000000000000000004000", 500)).toBe(false); // no flag, static fee
    expect(isValidHookAddress("0x0000000000000000000000000000000000004000", DYNAMIC_FEE_FLAG)).toBe(true);
    expect(isValidHookAddress("0x0000000000000000000000000000000000000008", 500)).toBe(false); // delta without beforeSwap
    expect(isValidHookAddress("0x0000000000000000000000000000000000000088", 500)).toBe(true);
  });

  it("reject what is not an address", () => {
    expect(() => decodeHookPermissions("0x1234" as Address)).toThrow(EngineInputError);
  });
});
