import type { Address } from "viem";
import { describe, expect, it } from "vitest";
import type { TokenRef } from "../engine/snapshot.ts";
import type { ChangeLog } from "./book-changes.ts";
import { v3PrincipalFlowsAmong } from "./lp-principal-flows.ts";

const NPM: Address = "0xC36442b4a4522E871399CD717aBDD847Ab11FE88";
const SAFE: Address = "0x00000000000000000000000000000000000005aF";
const OTHER: Address = "0x0000000000000000000000000000000000000Bad";
const WETH: TokenRef = {
  address: "0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2",
  symbol: "WETH",
  decimals: 18,
};
const USDC: TokenRef = { address: "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", symbol: "USDC", decimals: 6 };
const positions = new Map([[7n, { token0: USDC, token1: WETH }]]);
const TX_A = `0x${"aa".repeat(32)}` as const;
const TX_B = `0x${"bb".repeat(32)}` as const;

function log(
  eventName: string,
  block: number,
  logIndex: number,
  transactionHash: `0x${string}`,
  args: Record<string, unknown>,
  address: Address = NPM,
): ChangeLog {
  return { address, eventName, args, blockNumber: BigInt(block), logIndex, transactionHash };
}

describe("v3PrincipalFlowsAmong", () => {
  it("reads an increase as a deposit and a decrease with its collect as a withdrawal plus the fees beyond it", () => {
    const flows = v3PrincipalFlowsAmong(
      [
        // Listed out of order: flows come out oldest first.
        log("Collect", 12, 5, TX_B, {
          tokenId: 7n,
          recipient: SAFE,
          amount0: 1_000_500n,
          amount1: 2n * 10n ** 18n + 7n,
        }),
        log("DecreaseLiquidity", 12, 4, TX_B, {
          tokenId: 7n,
          liquidity: 9n,
          amount0: 1_000_000n,
          amount1: 2n * 10n ** 18n,
        }),
        log("IncreaseLiquidity", 11, 2, TX_A, {
          tokenId: 7n,
          liquidity: 5n,
          amount0: 3_000_000n,
          amount1: 10n ** 18n,
        }),
      ],
      { positionManager: NPM, safe: SAFE, positions },
    );
    expect(flows).toEqual([
      {
        blockNumber: 11n,
        transactionHash: TX_A,
        logIndex: 2,
        position: "uniswap-v3:7",
        token0: USDC,
        token1: WETH,
        principal0: -3_000_000n,
        principal1: -(10n ** 18n),
        feesCollected0: 0n,
        feesCollected1: 0n,
        collectedToSafe: false,
      },
      {
        blockNumber: 12n,
        transactionHash: TX_B,
        logIndex: 4,
        position: "uniswap-v3:7",
        token0: USDC,
        token1: WETH,
        principal0: 1_000_000n,
        principal1: 2n * 10n ** 18n,
        feesCollected0: 500n,
        feesCollected1: 7n,
        collectedToSafe: true,
      },
    ]);
  });

  it("marks a collect to another address, and reads a collect alone as fees", () => {
    const [flow] = v3PrincipalFlowsAmong(
      [log("Collect", 12, 5, TX_B, { tokenId: 7n, recipient: OTHER, amount0: 40n, amount1: 0n })],
      { positionManager: NPM, safe: SAFE, positions },
    );
    expect(flow).toMatchObject({
      principal0: 0n,
      principal1: 0n,
      feesCollected0: 40n,
      collectedToSafe: false,
    });
  });

  it("ignores other positions, other contracts and other events", () => {
    const amounts = { liquidity: 1n, amount0: 5n, amount1: 5n };
    const flows = v3PrincipalFlowsAmong(
      [
        log("DecreaseLiquidity", 12, 1, TX_B, { tokenId: 8n, ...amounts }),
        log("DecreaseLiquidity", 12, 2, TX_B, { tokenId: 7n, ...amounts }, OTHER),
        log("Swap", 12, 3, TX_B, { tokenId: 7n, ...amounts }),
      ],
      { positionManager: NPM, safe: SAFE, positions },
    );
    expect(flows).toEqual([]);
    // Positive control: the same decrease of the Safe's position at the position manager is read.
    expect(
      v3PrincipalFlowsAmong([log("DecreaseLiquidity", 12, 1, TX_B, { tokenId: 7n, ...amounts })], {
        positionManager: NPM,
        safe: SAFE,
        positions,
      }),
    ).toHaveLength(1);
  });
});
