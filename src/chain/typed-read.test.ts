import { parseAbi } from "viem";
import { describe, expect, it } from "vitest";
import { ChainConfigurationError, MalformedReturnDataError } from "./errors.ts";
import { typedRead } from "./typed-read.ts";

const ABI = parseAbi([
  "function slot0() view returns (uint160 sqrtPriceX96, int24 tick)",
  "function liquidity() view returns (uint128)",
  "function unnamed() view returns (uint256, uint256)",
]);
const POOL = "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640";

describe("a typed read", () => {
  it("decodes several outputs by their names and a single output as itself", () => {
    const slot0 = typedRead({ address: POOL, abi: ABI, functionName: "slot0" });
    const value = slot0.decode([79_228_162_514_264_337_593_543_950_336n, -7]);
    expect(value).toEqual({ sqrtPriceX96: 79_228_162_514_264_337_593_543_950_336n, tick: -7 });
    expect(value.tick).toBe(-7);
    expect(typedRead({ address: POOL, abi: ABI, functionName: "liquidity" }).decode(5n)).toBe(5n);
  });

  it("refuses a result without every output, and outputs it cannot name", () => {
    const slot0 = typedRead({ address: POOL, abi: ABI, functionName: "slot0" });
    expect(() => slot0.decode([1n])).toThrow(MalformedReturnDataError);
    expect(() => typedRead({ address: POOL, abi: ABI, functionName: "unnamed" })).toThrow(
      ChainConfigurationError,
    );
  });
});
