import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import { liquidationsAmong } from "./aave-liquidations.ts";
import type { ChangeLog } from "./book-changes.ts";

const POOL: Address = "0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2";
const SAFE: Address = "0x1111111111111111111111111111111111111111";
const OTHER: Address = "0x4444444444444444444444444444444444444444";

function liquidation(
  user: string,
  blockNumber: bigint,
  logIndex: number,
  address: Address = POOL,
): ChangeLog {
  return {
    address,
    eventName: "LiquidationCall",
    args: {
      collateralAsset: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48",
      debtAsset: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
      user,
      debtToCover: 5n,
      liquidatedCollateralAmount: 9n,
      liquidator: OTHER,
      receiveAToken: false,
    },
    blockNumber,
    logIndex,
    transactionHash: `0x${blockNumber.toString(16).padStart(64, "0")}`,
  };
}

describe("liquidationsAmong", () => {
  it("keeps the watched account's LiquidationCalls from the Pool, oldest first, whatever else the getLogs held", () => {
    const swap: ChangeLog = { address: POOL, eventName: "Swap", args: {}, blockNumber: 9n, logIndex: 0 };
    const found = liquidationsAmong(
      [
        liquidation(SAFE.toUpperCase().replace("0X", "0x"), 12n, 4),
        swap,
        liquidation(OTHER, 11n, 1),
        liquidation(SAFE, 11n, 2),
        liquidation(SAFE, 11n, 3, OTHER),
      ],
      POOL,
      SAFE,
    );
    expect(found.map((l) => [l.blockNumber, l.logIndex])).toEqual([
      [11n, 2],
      [12n, 4],
    ]);
    expect(found[0]).toMatchObject({ debtCovered: 5n, collateralSeized: 9n, liquidator: OTHER });
  });

  it("refuses a LiquidationCall without its transaction hash rather than record it unkeyed", () => {
    const { transactionHash: _, ...bare } = liquidation(SAFE, 11n, 2);
    expect(() => liquidationsAmong([bare], POOL, SAFE)).toThrow(/without its transaction hash/);
  });
});
