import { type Address, erc20Abi, getAddress, parseAbi } from "viem";
import { describe, expect, it } from "vitest";
import { AGGREGATOR_V3_ABI } from "../../../src/chain/abis/chainlink-abi.ts";
import { UNISWAP_V3_POOL_ABI } from "../../../src/chain/abis/uniswap-v3-abi.ts";
import {
  ARBITRUM_CHAIN_ID,
  ARBITRUM_FEEDS,
  ARBITRUM_SEQUENCER_UPTIME_FEED,
  ARBITRUM_TOKENS,
  ARBITRUM_UNISWAP_V3,
} from "../../../src/devnet/arbitrum-addresses.ts";
import { loadScenario, ScenarioError } from "../../../src/devnet/index.ts";
import { MAINNET_UNISWAP_V3, MULTICALL3 } from "../../../src/devnet/mainnet-addresses.ts";
import { readSequencerStatus } from "../../../src/devnet/sequencer-status.ts";
import { useDevnet } from "../../support/devnet.ts";

// The L2-shaped devnet (src/devnet/bootstrap-l2.ts): Arbitrum One's chain id and addresses, its sequencer uptime
// feed flippable by a scenario step, and the same treasury book as the mainnet-shaped devnet.
const devnet = useDevnet({ inProcess: true, shape: "arbitrum" });

describe("the L2 devnet (Arbitrum-shaped)", () => {
  it("answers with Arbitrum One's chain id and has its tokens, feeds, pool and sequencer feed at their addresses", async () => {
    const { manifest, publicClient } = devnet();
    expect(await publicClient.getChainId()).toBe(ARBITRUM_CHAIN_ID);
    expect(manifest.chainId).toBe(ARBITRUM_CHAIN_ID);
    const expected: Record<string, Address> = {
      multicall3: MULTICALL3,
      weth: ARBITRUM_TOKENS.weth,
      usdc: ARBITRUM_TOKENS.usdc,
      usdt: ARBITRUM_TOKENS.usdt,
      dai: ARBITRUM_TOKENS.dai,
      uniswapV3Factory: MAINNET_UNISWAP_V3.factory,
      positionManager: MAINNET_UNISWAP_V3.positionManager,
      // Safe 1.4.1 through the singleton factory's presigned transaction for chain 42161: the canonical addresses.
      safeSingleton: "0x41675C099F32341bf84BFc5382aF534df5C7461a",
      multiSendCallOnly: "0x9641d764fc13c8B624c04430C7356C1C7C8102e2",
      rolesMastercopy: "0x9646fDAD06d3e24444381f44362a3B0eB343D337",
    };
    const { contracts } = manifest;
    for (const [key, address] of Object.entries(expected)) {
      expect(getAddress(contracts[key as keyof typeof contracts] as Address), key).toBe(address);
      expect(await publicClient.getCode({ address }), key).toMatch(/^0x[0-9a-f]{100,}/);
    }
    // The factory at its (shared) address with the shared init-code hash puts WETH/USDC 0.05% at Arbitrum's pool.
    expect(manifest.pools.usdcWeth500.address).toBe(ARBITRUM_UNISWAP_V3.wethUsdc500Pool);
    const [token0, token1] = await Promise.all(
      (["token0", "token1"] as const).map((functionName) =>
        publicClient.readContract({
          address: ARBITRUM_UNISWAP_V3.wethUsdc500Pool,
          abi: UNISWAP_V3_POOL_ABI,
          functionName,
        }),
      ),
    );
    expect([token0, token1]).toEqual([ARBITRUM_TOKENS.weth, ARBITRUM_TOKENS.usdc]);
    for (const key of ["ethUsd", "usdcUsd", "daiUsd", "usdtUsd"] as const) {
      expect(manifest.feeds[key].address).toBe(ARBITRUM_FEEDS[key].address);
      const [, answer] = await publicClient.readContract({
        address: ARBITRUM_FEEDS[key].address,
        abi: AGGREGATOR_V3_ABI,
        functionName: "latestRoundData",
      });
      expect(answer > 0n, key).toBe(true);
    }
    expect(manifest.l2?.sequencerUptimeFeed.address).toBe(ARBITRUM_SEQUENCER_UPTIME_FEED.address);
    expect((await readSequencerStatus(devnet().client, ARBITRUM_SEQUENCER_UPTIME_FEED.address)).status).toBe(
      "up",
    );
    // WETH moved with its constructor-written metadata, and wraps ETH.
    const read = (functionName: "symbol" | "decimals") =>
      publicClient.readContract({ address: ARBITRUM_TOKENS.weth, abi: erc20Abi, functionName });
    expect(await read("symbol")).toBe("WETH");
    expect(await read("decimals")).toBe(18);
    expect(Object.keys(manifest.l2?.notReal ?? {})).toContain("perp");
    // ArbSys at address 100 (HedgeGuard reads the L2 block number there on Arbitrum chain ids).
    const arbBlockNumber = await publicClient.readContract({
      address: "0x0000000000000000000000000000000000000064",
      abi: parseAbi(["function arbBlockNumber() view returns (uint256)"]),
      functionName: "arbBlockNumber",
    });
    expect(arbBlockNumber).toBe(await publicClient.getBlockNumber({ cacheTime: 0 }));
  });

  it("holds the same treasury book as the mainnet-shaped devnet: two LP positions and a perp short", async () => {
    const { manifest } = devnet();
    expect(manifest.positions.lpTokenIds).toHaveLength(2);
    expect(manifest.aave).toBeUndefined();
    expect(manifest.uniswapV4).toBeUndefined();
  });

  it("flips the sequencer uptime feed down and up by scenario steps, startedAt at each change", async () => {
    const d = devnet();
    const feed = ARBITRUM_SEQUENCER_UPTIME_FEED.address;
    const report = await d.runScenario("sequencer-down");
    const flips = report.steps.filter((step) => step.kind === "sequencer");
    expect(flips.map((step) => step.moved[0])).toEqual([
      { what: "sequencer status (1 = down)", before: 0, after: 1 },
      { what: "sequencer status (1 = down)", before: 1, after: 0 },
    ]);
    const status = await readSequencerStatus(d.client, feed);
    expect(status.status).toBe("up");
    const now = Number((await d.publicClient.getBlock()).timestamp);
    // Back up 1800 + 1900 s ago: past Chainlink's recommended 3600 s grace period, and not before.
    expect(now - status.startedAtSec).toBeGreaterThanOrEqual(3700);
    expect(now - status.startedAtSec).toBeLessThan(3800);
  });

  it("refuses a sequencer step that reports the status the feed already has (the feed posts only changes)", async () => {
    const d = devnet();
    const { runScenario } = await import("../../../src/devnet/scenario-runner.ts");
    const upAgain = {
      ...loadScenario("sequencer-down"),
      steps: [{ kind: "sequencer" as const, status: "up" as const }],
    };
    await expect(runScenario(d.client, d.manifest, upAgain)).rejects.toThrow(ScenarioError);
    await expect(runScenario(d.client, d.manifest, upAgain)).rejects.toThrow(/already up/);
  });
});
