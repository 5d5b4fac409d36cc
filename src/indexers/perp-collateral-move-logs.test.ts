import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import type { ChangeLog } from "./book-changes.ts";
import { collateralMovesAmong } from "./perp-collateral-move-logs.ts";

const VAULT: Address = "0xAD7b4C162707E0B2b5f6fdDbD3f8538A5fbA0d60";
const SAFE: Address = "0x1111111111111111111111111111111111111111";
const OTHER: Address = "0x4444444444444444444444444444444444444444";
const USDC: Address = "0x7F5c764cBc14f9669B88837ca1490cCa17c31607";

function vaultEvent(
  eventName: "Deposited" | "Withdrawn",
  trader: Address,
  blockNumber: bigint,
  logIndex: number,
  amount: bigint,
  address: Address = VAULT,
): ChangeLog {
  return {
    address,
    eventName,
    args: { collateralToken: USDC, trader, amount },
    blockNumber,
    logIndex,
    transactionHash: `0x${blockNumber.toString(16).padStart(64, "0")}`,
  };
}

describe("collateralMovesAmong", () => {
  it("keeps the Safe's deposits (+) and withdrawals (−) from the Vault, oldest first, whoever's else the getLogs held", () => {
    const funding: ChangeLog = {
      address: VAULT,
      eventName: "FundingPaymentSettled",
      args: { trader: SAFE },
      blockNumber: 9n,
      logIndex: 0,
    };
    const found = collateralMovesAmong(
      [
        vaultEvent("Withdrawn", SAFE, 12n, 4, 300_000_000n),
        funding,
        vaultEvent("Deposited", OTHER, 11n, 1, 5n),
        vaultEvent("Deposited", SAFE, 11n, 2, 500_000_000n),
        vaultEvent("Deposited", SAFE, 11n, 3, 1n, OTHER),
      ],
      VAULT,
      SAFE,
    );
    expect(found.map((m) => [m.blockNumber, m.logIndex, m.movedUnits])).toEqual([
      [11n, 2, 500_000_000n],
      [12n, 4, -300_000_000n],
    ]);
    expect(found[0]!.collateralToken).toBe(USDC);
  });

  it("refuses a move without its transaction hash: it could not be told from a plan's own", () => {
    const { transactionHash: _, ...bare } = vaultEvent("Deposited", SAFE, 11n, 2, 1n);
    expect(() => collateralMovesAmong([bare], VAULT, SAFE)).toThrow(
      /Deposited at block 11.*transaction hash/,
    );
  });
});
