import { type Address, encodeAbiParameters, encodeEventTopics, type Hex, parseAbiParameters } from "viem";
import { describe, expect, it } from "vitest";
import { PERP_CLEARING_HOUSE_ABI, PERP_FUNDING_SETTLED_ABI } from "../chain/abis/perp-v2-abi.ts";
import { perpFundingSettledWad } from "./perp-funding-settled.ts";

const SAFE: Address = "0x1111111111111111111111111111111111111111";
const CLEARING_HOUSE: Address = "0x2222222222222222222222222222222222222222";
const OTHER_TRADER: Address = "0x3333333333333333333333333333333333333333";
const VETH: Address = "0x4444444444444444444444444444444444444444";
const VBTC: Address = "0x5555555555555555555555555555555555555555";
const VENUES = { clearingHouse: CLEARING_HOUSE, trader: SAFE };

function settledLog(
  fundingPayment: bigint,
  options: { trader?: Address; emitter?: Address; baseToken?: Address } = {},
) {
  return {
    address: options.emitter ?? CLEARING_HOUSE,
    topics: encodeEventTopics({
      abi: PERP_FUNDING_SETTLED_ABI,
      eventName: "FundingPaymentSettled",
      args: { trader: options.trader ?? SAFE, baseToken: options.baseToken ?? VETH },
    }) as Hex[],
    data: encodeAbiParameters(parseAbiParameters("int256"), [fundingPayment]),
  };
}

describe("perpFundingSettledWad", () => {
  it("sums the Safe's settled funding over its markets, signed as Perp v2 signs it (positive = paid)", () => {
    const logs = [settledLog(3n * 10n ** 18n), settledLog(-5n * 10n ** 17n, { baseToken: VBTC })];
    expect(perpFundingSettledWad({ logs }, VENUES)).toBe(25n * 10n ** 17n);
    expect(perpFundingSettledWad({ logs: [settledLog(-7n)] }, VENUES)).toBe(-7n);
  });

  it("ignores another trader's settlement, the same event from another contract, and other ClearingHouse logs", () => {
    const logs = [
      settledLog(-2n * 10n ** 18n), // the Safe's: the positive control
      settledLog(9n * 10n ** 18n, { trader: OTHER_TRADER }),
      settledLog(9n * 10n ** 18n, { emitter: OTHER_TRADER }),
      {
        // A PositionChanged for the Safe: a trade, not funding.
        address: CLEARING_HOUSE,
        topics: encodeEventTopics({
          abi: PERP_CLEARING_HOUSE_ABI,
          eventName: "PositionChanged",
          args: { trader: SAFE, baseToken: VETH },
        }) as Hex[],
        data: encodeAbiParameters(parseAbiParameters("int256, int256, uint256, int256, int256, uint256"), [
          -(10n ** 18n),
          2_000n * 10n ** 18n,
          2n * 10n ** 18n,
          2_000n * 10n ** 18n,
          0n,
          1n,
        ]),
      },
    ];
    expect(perpFundingSettledWad({ logs }, VENUES)).toBe(-2n * 10n ** 18n);
    expect(perpFundingSettledWad({ logs: [] }, VENUES)).toBe(0n);
  });
});
