import hre from "hardhat";
import {
  type Abi,
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  getAbiItem,
  getAddress,
  type Hex,
  keccak256,
  maxUint256,
  padHex,
  parseEventLogs,
  toFunctionSelector,
  toHex,
  zeroAddress,
  zeroHash,
} from "viem";
import { formatAbiItem } from "viem/utils";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { PERP_CLEARING_HOUSE_ABI, PERP_VAULT_ABI } from "../../src/chain/abis/perp-v2-abi.ts";
import { POSITION_MANAGER_ABI, SWAP_ROUTER_ABI } from "../../src/chain/abis/uniswap-v3-abi.ts";
import { deployHedgeBounds } from "../../src/execution/deploy-treasury-contracts.ts";
import { expectCustomError } from "../support/custom-error.ts";

// HedgeBounds judged as Roles v2 calls it: `check` with the full calldata of a venue call and the condition's
// 12 extra bytes. Venue reads come from Mock… stand-ins that return what each test sets; the real venues and the
// real Roles modifier are exercised on the devnet (test/integration/execution).
const { viem } = await hre.network.connect();
const publicClient = await viem.getPublicClient();
const testClient = await viem.getTestClient();
const [owner, stranger] = await viem.getWalletClients();
const treasury = getAddress(owner!.account.address);

const E8 = 10n ** 8n;
const E18 = 10n ** 18n;
const ETH_USD = 2_000n * E8;
const USDC_USD = 1n * E8;
const HOUR_SEC = 3_600;
const DAY_SEC = 86_400;
// Any addresses: HedgeBounds reads nothing from the router or the clearing house.
const SWAP_ROUTER: Address = "0x00000000000000000000000000000000000000a1";
const CLEARING_HOUSE: Address = "0x00000000000000000000000000000000000000a2";

const accountBalance = await viem.deployContract("MockPerpAccountBalance");
const bounds = await viem.deployContract("HedgeBounds", [treasury, treasury, accountBalance.address]);
const weth = await viem.deployContract("ERC20Mock", [18]);
const usdc = await viem.deployContract("ERC20Mock", [6]);
const vEth = await viem.deployContract("ERC20Mock", [18]);
const unpriced = await viem.deployContract("ERC20Mock", [18]);
const ethUsd = await viem.deployContract("MockV3Aggregator", [8, ETH_USD]);
const usdcUsd = await viem.deployContract("MockV3Aggregator", [8, USDC_USD]);
const vault = await viem.deployContract("MockPerpVault");
const factory = await viem.deployContract("MockUniswapV3Factory");
const positionManager = await viem.deployContract("MockNonfungiblePositionManager", [factory.address]);
const pool = await viem.deployContract("MockUniswapV3Pool");

const source = (feed: Address, heartbeatSec: number, feedDecimals: number, tokenDecimals: number) => ({
  feed,
  heartbeatSec,
  feedDecimals,
  tokenDecimals,
});
await bounds.write.setPriceSource([weth.address, source(ethUsd.address, HOUR_SEC, 8, 18)]);
await bounds.write.setPriceSource([vEth.address, source(ethUsd.address, HOUR_SEC, 8, 18)]);
await bounds.write.setPriceSource([usdc.address, source(usdcUsd.address, DAY_SEC, 8, 6)]);

// The WETH/USDC 0.05% position #7 (token0 WETH, token1 USDC: the mock takes the order it is given).
const TOKEN_ID = 7n;
await positionManager.write.setPosition([TOKEN_ID, weth.address, usdc.address, 500]);
await factory.write.setPool([weth.address, usdc.address, 500, pool.address]);

/** The condition's 12 bytes: uint16 maxSlippageBps, then uint80 ceilingWholeUnits (big-endian). */
function extra(maxSlippageBps: number, ceilingWholeUnits = 0n): Hex {
  return toHex((BigInt(maxSlippageBps) << 80n) | ceilingWholeUnits, { size: 12 });
}

/** The reason `check` returns for an error: its selector, left-aligned in 32 bytes. */
function reason(errorName: string): Hex {
  const item = getAbiItem({ abi: bounds.abi as Abi, name: errorName });
  return padHex(toFunctionSelector(formatAbiItem(item as never)), { dir: "right", size: 32 });
}

const check = (to: Address, data: Hex, extraBytes: Hex) =>
  bounds.read.check([to, 0n, data, 0, 4n, 32n, extraBytes]);

async function expectAllowed(to: Address, data: Hex, extraBytes: Hex): Promise<void> {
  expect(await check(to, data, extraBytes)).toEqual([true, zeroHash]);
  await bounds.read.enforce([to, data, extraBytes]);
}

/** `check` refuses with the error's selector and `enforce` reverts with the error and exactly `args`. */
async function expectRefused(
  to: Address,
  data: Hex,
  extraBytes: Hex,
  errorName: string,
  args: readonly unknown[],
): Promise<void> {
  expect(await check(to, data, extraBytes)).toEqual([false, reason(errorName)]);
  await expectCustomError(bounds.read.enforce([to, data, extraBytes]), errorName, args);
}

const swap = (params: { tokenIn: Address; tokenOut: Address; amountIn: bigint; amountOutMinimum: bigint }) =>
  encodeFunctionData({
    abi: SWAP_ROUTER_ABI,
    functionName: "exactInputSingle",
    args: [
      {
        ...params,
        fee: 500,
        recipient: treasury,
        deadline: 2n ** 40n,
        sqrtPriceLimitX96: 0n,
      },
    ],
  });

const openPosition = (params: {
  isBaseToQuote: boolean;
  isExactInput?: boolean;
  amount: bigint;
  oppositeAmountBound: bigint;
  baseToken?: Address;
}) =>
  encodeFunctionData({
    abi: PERP_CLEARING_HOUSE_ABI,
    functionName: "openPosition",
    args: [
      {
        baseToken: params.baseToken ?? vEth.address,
        isBaseToQuote: params.isBaseToQuote,
        isExactInput: params.isExactInput ?? params.isBaseToQuote,
        amount: params.amount,
        oppositeAmountBound: params.oppositeAmountBound,
        deadline: 2n ** 40n,
        sqrtPriceLimitX96: 0n,
        referralCode: zeroHash,
      },
    ],
  });

const deposit = (token: Address, amount: bigint) =>
  encodeFunctionData({ abi: PERP_VAULT_ABI, functionName: "deposit", args: [token, amount] });

const decreaseLiquidity = (tokenId: bigint) =>
  encodeFunctionData({
    abi: POSITION_MANAGER_ABI,
    functionName: "decreaseLiquidity",
    args: [{ tokenId, liquidity: 10n ** 12n, amount0Min: 0n, amount1Min: 0n, deadline: 2n ** 40n }],
  });

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = n;
  let y = (x + 1n) / 2n;
  while (y < x) {
    x = y;
    y = (x + n / x) / 2n;
  }
  return x;
}

describe("HedgeBounds", () => {
  let snapshotId: Hex;
  beforeAll(async () => {
    snapshotId = await testClient.snapshot();
  });
  beforeEach(async () => {
    await testClient.revert({ id: snapshotId });
    snapshotId = await testClient.snapshot();
  });

  describe("exactInputSingle", () => {
    // 1 WETH at $2,000 is 2,000 USDC; 0.5% slippage leaves 1,990 USDC (6 decimals).
    const oneEthForUsdc = (amountOutMinimum: bigint) =>
      swap({ tokenIn: weth.address, tokenOut: usdc.address, amountIn: E18, amountOutMinimum });

    it("allows a minimum output at the oracle value less slippage", async () => {
      await expectAllowed(SWAP_ROUTER, oneEthForUsdc(1_990_000_000n), extra(50));
    });

    it("refuses a minimum output one unit below it, naming both minimums", async () => {
      await expectRefused(
        SWAP_ROUTER,
        oneEthForUsdc(1_989_999_999n),
        extra(50),
        "HedgeBoundsMinOutBelowOracle",
        [getAddress(weth.address), getAddress(usdc.address), 1_989_999_999n, 1_990_000_000n],
      );
    });

    it("prices the opposite direction with the decimals swapped", async () => {
      // 2,000 USDC is 1 WETH; 1% slippage leaves 0.99 WETH.
      const data = (min: bigint) =>
        swap({
          tokenIn: usdc.address,
          tokenOut: weth.address,
          amountIn: 2_000n * 10n ** 6n,
          amountOutMinimum: min,
        });
      await expectAllowed(SWAP_ROUTER, data((E18 * 99n) / 100n), extra(100));
      await expectRefused(
        SWAP_ROUTER,
        data((E18 * 99n) / 100n - 1n),
        extra(100),
        "HedgeBoundsMinOutBelowOracle",
        [getAddress(usdc.address), getAddress(weth.address), (E18 * 99n) / 100n - 1n, (E18 * 99n) / 100n],
      );
    });

    it("rounds the oracle minimum up, so a bound cannot be a unit too loose", async () => {
      // 1 wei of WETH is worth 2e-9 USDC units: the minimum rounds up to 1, never down to 0.
      const data = swap({
        tokenIn: weth.address,
        tokenOut: usdc.address,
        amountIn: 1n,
        amountOutMinimum: 0n,
      });
      await expectRefused(SWAP_ROUTER, data, extra(0), "HedgeBoundsMinOutBelowOracle", [
        getAddress(weth.address),
        getAddress(usdc.address),
        0n,
        1n,
      ]);
    });

    it("refuses a token without a price source", async () => {
      const data = swap({
        tokenIn: weth.address,
        tokenOut: unpriced.address,
        amountIn: E18,
        amountOutMinimum: E18,
      });
      await expectRefused(SWAP_ROUTER, data, extra(50), "HedgeBoundsNoPriceSource", [
        getAddress(unpriced.address),
      ]);
    });

    it("refuses an answer older than the heartbeat set for its feed", async () => {
      const [, , , updatedAt] = await ethUsd.read.latestRoundData();
      await testClient.increaseTime({ seconds: HOUR_SEC + 1 });
      await testClient.mine({ blocks: 1 });
      await usdcUsd.write.updateAnswer([USDC_USD]);
      await expectRefused(SWAP_ROUTER, oneEthForUsdc(1_990_000_000n), extra(50), "HedgeBoundsOracleStale", [
        getAddress(ethUsd.address),
        updatedAt,
        BigInt(HOUR_SEC),
      ]);
    });

    it("accepts an answer exactly one heartbeat old", async () => {
      const [, , , updatedAt] = await ethUsd.read.latestRoundData();
      await testClient.setNextBlockTimestamp({ timestamp: updatedAt + BigInt(HOUR_SEC) });
      await testClient.mine({ blocks: 1 });
      await expectAllowed(SWAP_ROUTER, oneEthForUsdc(1_990_000_000n), extra(50));
    });

    it("refuses a zero or negative answer instead of pricing with it", async () => {
      for (const answer of [0n, -1n]) {
        await ethUsd.write.updateAnswer([answer]);
        await expectRefused(
          SWAP_ROUTER,
          oneEthForUsdc(1_990_000_000n),
          extra(50),
          "HedgeBoundsOracleInvalidAnswer",
          [getAddress(ethUsd.address), answer],
        );
      }
    });

    it("fails closed with HedgeBoundsCallFailed when the feed reverts without a reason", async () => {
      // Any contract whose decimals() matches passes configuration; this one has no latestRoundData().
      const notAFeed = await viem.deployContract("ERC20Mock", [8]);
      await bounds.write.setPriceSource([weth.address, source(notAFeed.address, HOUR_SEC, 8, 18)]);
      expect(await check(SWAP_ROUTER, oneEthForUsdc(1_990_000_000n), extra(50))).toEqual([
        false,
        reason("HedgeBoundsCallFailed"),
      ]);
    });
  });

  describe("openPosition", () => {
    // 1 vETH at $2,000: a notional of 2,000 vUSD (18 decimals); 1% slippage: 1,980 minimum out, 2,020 maximum in.
    const MIN_OUT = 1_980n * E18;
    const MAX_IN = 2_020n * E18;
    const generous = extra(100, 1_000n);

    it("allows selling base for at least the oracle notional less slippage", async () => {
      await expectAllowed(
        CLEARING_HOUSE,
        openPosition({ isBaseToQuote: true, amount: E18, oppositeAmountBound: MIN_OUT }),
        generous,
      );
    });

    it("refuses a sale whose minimum quote is a unit below it", async () => {
      await expectRefused(
        CLEARING_HOUSE,
        openPosition({ isBaseToQuote: true, amount: E18, oppositeAmountBound: MIN_OUT - 1n }),
        generous,
        "HedgeBoundsPerpBoundBeyondOracle",
        [getAddress(vEth.address), true, MIN_OUT - 1n, MIN_OUT],
      );
    });

    it("allows buying base for at most the oracle notional plus slippage", async () => {
      await expectAllowed(
        CLEARING_HOUSE,
        openPosition({ isBaseToQuote: false, amount: E18, oppositeAmountBound: MAX_IN }),
        generous,
      );
    });

    it("refuses a purchase whose maximum quote is a unit above it, or unbounded (0)", async () => {
      for (const bound of [MAX_IN + 1n, 0n]) {
        await expectRefused(
          CLEARING_HOUSE,
          openPosition({ isBaseToQuote: false, amount: E18, oppositeAmountBound: bound }),
          generous,
          "HedgeBoundsPerpBoundBeyondOracle",
          [getAddress(vEth.address), false, bound, MAX_IN],
        );
      }
    });

    it("refuses quote-denominated trades, whose base change the calldata does not bound", async () => {
      for (const isBaseToQuote of [true, false]) {
        await expectRefused(
          CLEARING_HOUSE,
          openPosition({
            isBaseToQuote,
            isExactInput: !isBaseToQuote,
            amount: E18,
            oppositeAmountBound: MIN_OUT,
          }),
          generous,
          "HedgeBoundsQuoteDenominatedTrade",
          [],
        );
      }
    });

    it("refuses a base token without a price source", async () => {
      await expectRefused(
        CLEARING_HOUSE,
        openPosition({
          isBaseToQuote: true,
          amount: E18,
          oppositeAmountBound: MIN_OUT,
          baseToken: unpriced.address,
        }),
        generous,
        "HedgeBoundsNoPriceSource",
        [getAddress(unpriced.address)],
      );
    });

    describe("position ceiling (10 vETH)", () => {
      const ceiling10 = extra(100, 10n);
      const sell = (amount: bigint) =>
        openPosition({ isBaseToQuote: true, amount, oppositeAmountBound: maxUint256 / 2n ** 128n });
      const buy = (amount: bigint) => openPosition({ isBaseToQuote: false, amount, oppositeAmountBound: 1n });
      const setSize = (size: bigint) =>
        accountBalance.write.setTakerPositionSize([treasury, vEth.address, size]);

      it("allows growing the short up to the ceiling exactly", async () => {
        await setSize(-9n * E18);
        await expectAllowed(CLEARING_HOUSE, sell(E18), ceiling10);
      });

      it("refuses growing it a unit past the ceiling, naming the size it would reach", async () => {
        await setSize(-9n * E18);
        await expectRefused(CLEARING_HOUSE, sell(E18 + 1n), ceiling10, "HedgeBoundsPositionAboveCeiling", [
          getAddress(vEth.address),
          -10n * E18 - 1n,
          10n * E18,
        ]);
      });

      it("allows reducing a position that is above the ceiling, and refuses growing it", async () => {
        await setSize(-15n * E18);
        await expectAllowed(CLEARING_HOUSE, buy(E18), ceiling10);
        await expectRefused(CLEARING_HOUSE, sell(E18), ceiling10, "HedgeBoundsPositionAboveCeiling", [
          getAddress(vEth.address),
          -16n * E18,
          10n * E18,
        ]);
      });

      it("refuses flipping a small long into a short past the ceiling", async () => {
        await setSize(5n * E18);
        await expectRefused(CLEARING_HOUSE, sell(20n * E18), ceiling10, "HedgeBoundsPositionAboveCeiling", [
          getAddress(vEth.address),
          -15n * E18,
          10n * E18,
        ]);
      });

      it("judges the treasury's position, not the caller's or anyone else's", async () => {
        await accountBalance.write.setTakerPositionSize([
          stranger!.account.address,
          vEth.address,
          -100n * E18,
        ]);
        await expectAllowed(CLEARING_HOUSE, sell(10n * E18), ceiling10);
      });
    });
  });

  describe("deposit", () => {
    // Ceiling 100,000 USDC: 100,000e6 in the token's units.
    const ceiling = extra(0, 100_000n);
    const CEILING_UNITS = 100_000n * 10n ** 6n;

    it("allows a deposit that brings the balance to the ceiling exactly", async () => {
      await vault.write.setBalanceByToken([treasury, usdc.address, 90_000n * 10n ** 6n]);
      await expectAllowed(vault.address, deposit(usdc.address, 10_000n * 10n ** 6n), ceiling);
    });

    it("refuses a deposit a unit past it", async () => {
      await vault.write.setBalanceByToken([treasury, usdc.address, 90_000n * 10n ** 6n]);
      await expectRefused(
        vault.address,
        deposit(usdc.address, 10_000n * 10n ** 6n + 1n),
        ceiling,
        "HedgeBoundsCollateralAboveCeiling",
        [getAddress(usdc.address), CEILING_UNITS + 1n, CEILING_UNITS],
      );
    });

    it("reads a negative balance as no collateral", async () => {
      await vault.write.setBalanceByToken([treasury, usdc.address, -5n * 10n ** 6n]);
      await expectAllowed(vault.address, deposit(usdc.address, CEILING_UNITS), ceiling);
      await expectRefused(
        vault.address,
        deposit(usdc.address, CEILING_UNITS + 1n),
        ceiling,
        "HedgeBoundsCollateralAboveCeiling",
        [getAddress(usdc.address), CEILING_UNITS + 1n, CEILING_UNITS],
      );
    });

    it("refuses a token without a price source (its decimals are unknown)", async () => {
      await expectRefused(vault.address, deposit(unpriced.address, 1n), ceiling, "HedgeBoundsNoPriceSource", [
        getAddress(unpriced.address),
      ]);
    });
  });

  describe("decreaseLiquidity", () => {
    // token1 (USDC, 6 decimals) per token0 (WETH, 18 decimals) in raw units: 2,000e6 / 1e18, as a Q128.
    const ORACLE_X128 = (2_000n * 10n ** 6n * 2n ** 128n) / E18;
    const sqrtPriceAt = (priceX128: bigint) => isqrt(priceX128 << 64n);
    const poolPriceX128 = (sqrtPriceX96: bigint) => (sqrtPriceX96 * sqrtPriceX96) >> 64n;

    it("allows a removal while the pool price is within slippage of the oracle", async () => {
      // Inside the 1% band by a margin: the sqrt price rounds down (exact edges: oracle-bounds.fuzz.test.ts).
      for (const priceX128 of [ORACLE_X128, (ORACLE_X128 * 1_009n) / 1_000n, (ORACLE_X128 * 991n) / 1_000n]) {
        await pool.write.setSqrtPriceX96([sqrtPriceAt(priceX128)]);
        await expectAllowed(positionManager.address, decreaseLiquidity(TOKEN_ID), extra(100));
      }
    });

    it("refuses a removal while the pool price is pushed outside the band, either way", async () => {
      for (const priceX128 of [(ORACLE_X128 * 102n) / 100n, (ORACLE_X128 * 98n) / 100n]) {
        const sqrtPriceX96 = sqrtPriceAt(priceX128);
        await pool.write.setSqrtPriceX96([sqrtPriceX96]);
        await expectRefused(
          positionManager.address,
          decreaseLiquidity(TOKEN_ID),
          extra(100),
          "HedgeBoundsPoolOffOracle",
          [getAddress(pool.address), poolPriceX128(sqrtPriceX96), ORACLE_X128],
        );
      }
    });

    it("refuses a pool token without a price source", async () => {
      await positionManager.write.setPosition([8n, weth.address, unpriced.address, 500]);
      await factory.write.setPool([weth.address, unpriced.address, 500, pool.address]);
      await pool.write.setSqrtPriceX96([2n ** 96n]);
      await expectRefused(
        positionManager.address,
        decreaseLiquidity(8n),
        extra(100),
        "HedgeBoundsNoPriceSource",
        [getAddress(unpriced.address)],
      );
    });

    it("fails closed when the position has no pool", async () => {
      await positionManager.write.setPosition([9n, weth.address, usdc.address, 3_000]);
      expect(await check(positionManager.address, decreaseLiquidity(9n), extra(100))).toEqual([
        false,
        reason("HedgeBoundsCallFailed"),
      ]);
    });
  });

  describe("any call", () => {
    it("refuses a call it does not know, naming its selector", async () => {
      const transfer = encodeFunctionData({
        abi: [
          {
            type: "function",
            name: "transfer",
            inputs: [{ type: "address" }, { type: "uint256" }],
            outputs: [],
            stateMutability: "nonpayable",
          },
        ],
        functionName: "transfer",
        args: [treasury, 1n],
      });
      await expectRefused(weth.address, transfer, extra(50), "HedgeBoundsUnsupportedCall", ["0xa9059cbb"]);
      await expectRefused(weth.address, "0x", extra(50), "HedgeBoundsUnsupportedCall", ["0x00000000"]);
    });

    it("refuses a slippage of 100% or more, whatever the call", async () => {
      // At 99.99% slippage the least a 2,000 USDC swap may accept is 0.2 USDC.
      const data = swap({
        tokenIn: weth.address,
        tokenOut: usdc.address,
        amountIn: E18,
        amountOutMinimum: 200_000n,
      });
      for (const slippageBps of [10_000, 65_535]) {
        await expectRefused(SWAP_ROUTER, data, extra(slippageBps), "HedgeBoundsSlippageTooHigh", [
          BigInt(slippageBps),
        ]);
      }
      await expectAllowed(SWAP_ROUTER, data, extra(9_999));
    });
  });

  describe("configuration", () => {
    it("lets only the owner set a price source", async () => {
      await expectCustomError(
        bounds.write.setPriceSource([weth.address, source(ethUsd.address, HOUR_SEC, 8, 18)], {
          account: stranger!.account,
        }),
        "OwnableUnauthorizedAccount",
        [getAddress(stranger!.account.address)],
      );
    });

    it("stores a source in one slot and reports it with PriceSourceSet", async () => {
      const hash = await bounds.write.setPriceSource([usdc.address, source(usdcUsd.address, 7_200, 8, 6)]);
      const receipt = await publicClient.waitForTransactionReceipt({ hash });
      const [event] = parseEventLogs({ abi: bounds.abi, logs: receipt.logs, eventName: "PriceSourceSet" });
      expect(event?.args).toEqual({
        token: getAddress(usdc.address),
        feed: getAddress(usdcUsd.address),
        heartbeatSec: 7_200,
        feedDecimals: 8,
        tokenDecimals: 6,
      });
      expect(await bounds.read.priceSource([usdc.address])).toEqual(
        source(getAddress(usdcUsd.address), 7_200, 8, 6),
      );
      // Storage: Ownable's owner (slot 0), Ownable2Step's pending owner (1), then the sources mapping (2). The entry
      // is one word, low bits first: feed (160), heartbeatSec (32), feedDecimals (8), tokenDecimals (8).
      const entrySlot = keccak256(
        encodeAbiParameters([{ type: "address" }, { type: "uint256" }], [usdc.address, 2n]),
      );
      const word = await publicClient.getStorageAt({ address: bounds.address, slot: entrySlot });
      expect(BigInt(word!)).toBe((6n << 200n) | (8n << 192n) | (7_200n << 160n) | BigInt(usdcUsd.address));
      const nextSlot = toHex(BigInt(entrySlot) + 1n, { size: 32 });
      expect(BigInt((await publicClient.getStorageAt({ address: bounds.address, slot: nextSlot }))!)).toBe(
        0n,
      );
    });

    it("removes a source with a zero feed, after which the token is unpriced", async () => {
      await bounds.write.setPriceSource([usdc.address, source(zeroAddress, 0, 0, 0)]);
      expect(await bounds.read.priceSource([usdc.address])).toEqual(source(zeroAddress, 0, 0, 0));
      const data = swap({
        tokenIn: weth.address,
        tokenOut: usdc.address,
        amountIn: E18,
        amountOutMinimum: 2n ** 64n,
      });
      await expectRefused(SWAP_ROUTER, data, extra(50), "HedgeBoundsNoPriceSource", [
        getAddress(usdc.address),
      ]);
    });

    it("refuses a source whose decimals differ from the feed's or the token's own", async () => {
      await expectCustomError(
        bounds.write.setPriceSource([weth.address, source(ethUsd.address, HOUR_SEC, 18, 18)]),
        "HedgeBoundsDecimalsMismatch",
        [getAddress(ethUsd.address), 18, 8],
      );
      await expectCustomError(
        bounds.write.setPriceSource([weth.address, source(ethUsd.address, HOUR_SEC, 8, 6)]),
        "HedgeBoundsDecimalsMismatch",
        [getAddress(weth.address), 6, 18],
      );
    });

    it("refuses decimals above 18, a zero heartbeat and a zero token", async () => {
      const wide = await viem.deployContract("ERC20Mock", [24]);
      await expectCustomError(
        bounds.write.setPriceSource([wide.address, source(ethUsd.address, HOUR_SEC, 8, 24)]),
        "HedgeBoundsDecimalsUnsupported",
        [getAddress(wide.address), 24],
      );
      await expectCustomError(
        bounds.write.setPriceSource([weth.address, source(ethUsd.address, 0, 8, 18)]),
        "HedgeBoundsHeartbeatZero",
        [getAddress(weth.address)],
      );
      await expectCustomError(
        bounds.write.setPriceSource([zeroAddress, source(ethUsd.address, HOUR_SEC, 8, 18)]),
        "HedgeBoundsZeroAddress",
        [],
      );
    });

    it("transfers ownership in two steps: the new owner must accept", async () => {
      await bounds.write.transferOwnership([stranger!.account.address]);
      expect(await bounds.read.owner()).toBe(treasury);
      expect(await bounds.read.pendingOwner()).toBe(getAddress(stranger!.account.address));
      await bounds.write.acceptOwnership({ account: stranger!.account });
      expect(await bounds.read.owner()).toBe(getAddress(stranger!.account.address));
    });

    it("is deployed by deployHedgeBounds with the owner, treasury and position source given", async () => {
      const address = await deployHedgeBounds(publicClient, owner!, {
        owner: getAddress(stranger!.account.address),
        treasury: SWAP_ROUTER,
        positionSource: accountBalance.address,
      });
      const deployed = await viem.getContractAt("HedgeBounds", address);
      expect(await deployed.read.owner()).toBe(getAddress(stranger!.account.address));
      expect(await deployed.read.treasury()).toBe(getAddress(SWAP_ROUTER));
      expect(await deployed.read.positionSource()).toBe(getAddress(accountBalance.address));
    });

    it("keeps the treasury and position source it was deployed with, and refuses zero addresses", async () => {
      expect(await bounds.read.treasury()).toBe(treasury);
      expect(await bounds.read.positionSource()).toBe(getAddress(accountBalance.address));
      for (const args of [
        [treasury, zeroAddress, accountBalance.address],
        [treasury, treasury, zeroAddress],
      ] as const) {
        await expectCustomError(
          viem.deployContract("HedgeBounds", [...args]),
          "HedgeBoundsZeroAddress",
          [],
          bounds.abi,
        );
      }
      await expectCustomError(
        viem.deployContract("HedgeBounds", [zeroAddress, treasury, accountBalance.address]),
        "OwnableInvalidOwner",
        [zeroAddress],
        bounds.abi,
      );
    });
  });
});
