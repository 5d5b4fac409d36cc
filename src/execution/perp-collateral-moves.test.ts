import {
  type Address,
  encodeAbiParameters,
  encodeEventTopics,
  erc20Abi,
  type Hex,
  parseAbiParameters,
} from "viem";
import { describe, expect, it } from "vitest";
import { PERP_VAULT_ABI } from "../chain/abis/perp-v2-abi.ts";
import { perpCollateralMovedUnits } from "./perp-collateral-moves.ts";

const SAFE: Address = "0x1111111111111111111111111111111111111111";
const VAULT: Address = "0x2222222222222222222222222222222222222222";
const OTHER_TRADER: Address = "0x3333333333333333333333333333333333333333";
const USDC: Address = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const VENUES = { vault: VAULT, trader: SAFE };

function vaultLog(
  eventName: "Deposited" | "Withdrawn",
  amount: bigint,
  options: { trader?: Address; emitter?: Address } = {},
) {
  return {
    address: options.emitter ?? VAULT,
    topics: encodeEventTopics({
      abi: PERP_VAULT_ABI,
      eventName,
      args: { collateralToken: USDC, trader: options.trader ?? SAFE },
    }) as Hex[],
    data: encodeAbiParameters(parseAbiParameters("uint256"), [amount]),
  };
}

describe("perpCollateralMovedUnits", () => {
  it("nets the Safe's deposits and withdrawals in the vault's units (negative = withdrawn)", () => {
    const logs = [vaultLog("Deposited", 2_500_000000n), vaultLog("Withdrawn", 10_000_000000n)];
    expect(perpCollateralMovedUnits({ logs }, VENUES)).toBe(-7_500_000000n);
    expect(perpCollateralMovedUnits({ logs: [vaultLog("Deposited", 1n)] }, VENUES)).toBe(1n);
  });

  it("ignores another trader's moves, the same events from another contract, and the vault's other logs", () => {
    const logs = [
      vaultLog("Withdrawn", 5_000000n), // the Safe's: the positive control
      vaultLog("Withdrawn", 9_000_000000n, { trader: OTHER_TRADER }),
      vaultLog("Deposited", 9_000_000000n, { emitter: OTHER_TRADER }),
      {
        // An ERC-20 Transfer emitted at the vault's address: not a collateral move.
        address: VAULT,
        topics: encodeEventTopics({
          abi: erc20Abi,
          eventName: "Transfer",
          args: { from: SAFE, to: VAULT },
        }) as Hex[],
        data: encodeAbiParameters(parseAbiParameters("uint256"), [9_000_000000n]),
      },
    ];
    expect(perpCollateralMovedUnits({ logs }, VENUES)).toBe(-5_000000n);
    expect(perpCollateralMovedUnits({ logs: [] }, VENUES)).toBe(0n);
  });
});
