import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import type { ChangeLog } from "./book-changes.ts";
import { fundingSettlementsAmong } from "./perp-funding-settlements.ts";

const CLEARING_HOUSE: Address = "0x82ac2CE43e33683c58BE4cDc40975E73aA50f459";
const SAFE: Address = "0x1111111111111111111111111111111111111111";
const OTHER: Address = "0x4444444444444444444444444444444444444444";
const VETH: Address = "0x8C835DFaA34e2AE61775e80EE29E2c724c6AE2BB";

function settled(
  trader: Address,
  blockNumber: bigint,
  logIndex: number,
  fundingPayment: bigint,
  address: Address = CLEARING_HOUSE,
): ChangeLog {
  return {
    address,
    eventName: "FundingPaymentSettled",
    args: { trader, baseToken: VETH, fundingPayment },
    blockNumber,
    logIndex,
    transactionHash: `0x${blockNumber.toString(16).padStart(64, "0")}`,
  };
}

describe("fundingSettlementsAmong", () => {
  it("keeps the Safe's FundingPaymentSettled from the ClearingHouse, oldest first, whoever's else the getLogs held", () => {
    const positionChanged: ChangeLog = {
      address: CLEARING_HOUSE,
      eventName: "PositionChanged",
      args: { trader: SAFE },
      blockNumber: 9n,
      logIndex: 0,
    };
    const found = fundingSettlementsAmong(
      [
        settled(SAFE, 12n, 4, -7n * 10n ** 17n),
        positionChanged,
        settled(OTHER, 11n, 1, 5n),
        settled(SAFE, 11n, 2, 3n * 10n ** 18n),
        settled(SAFE, 11n, 3, 1n, OTHER),
      ],
      CLEARING_HOUSE,
      SAFE,
    );
    expect(found.map((f) => [f.blockNumber, f.logIndex, f.fundingPaymentWad])).toEqual([
      [11n, 2, 3n * 10n ** 18n],
      [12n, 4, -7n * 10n ** 17n],
    ]);
    expect(found[0]!.baseToken).toBe(VETH);
    expect(found[0]!.transactionHash).toBe(`0x${11n.toString(16).padStart(64, "0")}`);
  });

  it("refuses a settlement without its transaction hash: it could not be told from a plan's own", () => {
    const { transactionHash: _, ...bare } = settled(SAFE, 11n, 2, 1n);
    expect(() => fundingSettlementsAmong([bare], CLEARING_HOUSE, SAFE)).toThrow(/transaction hash/);
  });
});
