import hre from "hardhat";
import {
  type Abi,
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  getAbiItem,
  getAddress,
  type Hex,
  padHex,
  toFunctionSelector,
  toHex,
  zeroAddress,
  zeroHash,
} from "viem";
import { formatAbiItem } from "viem/utils";
import { describe, expect, it } from "vitest";
import { V4_POSITION_MANAGER_ABI } from "../../src/chain/abis/uniswap-v4-abi.ts";
import { encodeModifyLiquidities, type V4Action } from "../../src/chain/uniswap-v4-actions.ts";
import { expectCustomError } from "../support/custom-error.ts";

// V4WithdrawalBounds judged as Roles v2 calls it: `check` with the full calldata of a PositionManager call and
// the condition's 12 extra bytes. Ownership comes from OpenZeppelin's ERC-721 (ERC721Mintable) standing at the
// PositionManager's place; the real PositionManager and the real Roles modifier are exercised on the devnet
// (test/integration/execution/v4-withdrawal.test.ts).
const { viem } = await hre.network.connect();
const publicClient = await viem.getPublicClient();
const [owner, stranger] = await viem.getWalletClients();
const treasury = getAddress(owner!.account.address);
const other = getAddress(stranger!.account.address);

const positions = await viem.deployContract("ERC721Mintable");
const bounds = await viem.deployContract("V4WithdrawalBounds", [treasury, positions.address]);
const TREASURY_TOKEN = 7n;
const STRANGER_TOKEN = 8n;
const UNMINTED_TOKEN = 9n;
await positions.write.mint([treasury, TREASURY_TOKEN]);
await positions.write.mint([other, STRANGER_TOKEN]);

const ETH: Address = zeroAddress;
const USDC: Address = "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48";
const MSG_SENDER: Address = "0x0000000000000000000000000000000000000001";
const MAX_DEADLINE_SEC = 600;
const extra = (maxDeadlineSec: number): Hex => toHex(BigInt(maxDeadlineSec), { size: 12 });

const now = async () => (await publicClient.getBlock()).timestamp;
const decrease = (tokenId: bigint, hookData: Hex = "0x"): V4Action => ({
  action: "DECREASE_LIQUIDITY",
  tokenId,
  liquidity: 10n ** 12n,
  amount0Min: 0n,
  amount1Min: 0n,
  hookData,
});
const takePair = (recipient: Address): V4Action => ({
  action: "TAKE_PAIR",
  currency0: ETH,
  currency1: USDC,
  recipient,
});
const withdrawal = async (actions: readonly V4Action[], deadlineInSec = 300) =>
  encodeModifyLiquidities(actions, (await now()) + BigInt(deadlineInSec));

function reason(errorName: string): Hex {
  const item = getAbiItem({ abi: bounds.abi as Abi, name: errorName });
  return padHex(toFunctionSelector(formatAbiItem(item as never)), { dir: "right", size: 32 });
}
const check = (to: Address, data: Hex, extraBytes = extra(MAX_DEADLINE_SEC)) =>
  bounds.read.check([to, 0n, data, 0, 4n, 32n, extraBytes]);

async function expectAllowed(data: Hex): Promise<void> {
  expect(await check(positions.address, data)).toEqual([true, zeroHash]);
  await bounds.read.enforce([positions.address, data, extra(MAX_DEADLINE_SEC)]);
}

/** `check` refuses with the error's selector and `enforce` reverts with the error and exactly `args`. */
async function expectRefused(
  data: Hex,
  errorName: string,
  args: readonly unknown[],
  to: Address = positions.address,
  extraBytes = extra(MAX_DEADLINE_SEC),
): Promise<void> {
  expect(await check(to, data, extraBytes)).toEqual([false, reason(errorName)]);
  await expectCustomError(bounds.read.enforce([to, data, extraBytes]), errorName, args);
}

describe("V4WithdrawalBounds", () => {
  it("allows withdrawing the treasury's own position to the treasury: DECREASE_LIQUIDITY then TAKE_PAIR", async () => {
    await expectAllowed(await withdrawal([decrease(TREASURY_TOKEN), takePair(treasury)]));
  });

  it("allows the caller's own recipient (MSG_SENDER), CLOSE_CURRENCY and TAKE to the treasury", async () => {
    await expectAllowed(await withdrawal([decrease(TREASURY_TOKEN), takePair(MSG_SENDER)]));
    await expectAllowed(
      await withdrawal([
        decrease(TREASURY_TOKEN),
        { action: "CLOSE_CURRENCY", currency: ETH },
        { action: "CLOSE_CURRENCY", currency: USDC },
      ]),
    );
    // TAKE (0x0e): (currency, recipient, amount), written out (the keeper's encoder has no TAKE).
    const take = encodeAbiParameters(
      [{ type: "address" }, { type: "address" }, { type: "uint256" }],
      [USDC, treasury, 0n],
    );
    const takeTo = (recipient: Address) =>
      encodeAbiParameters(
        [{ type: "address" }, { type: "address" }, { type: "uint256" }],
        [USDC, recipient, 0n],
      );
    const blob = (params: Hex) =>
      encodeAbiParameters([{ type: "bytes" }, { type: "bytes[]" }], ["0x0e", [params]]);
    const call = async (params: Hex) =>
      encodeFunctionData({
        abi: V4_POSITION_MANAGER_ABI,
        functionName: "modifyLiquidities",
        args: [blob(params), (await now()) + 60n],
      });
    await expectAllowed(await call(take));
    await expectRefused(await call(takeTo(other)), "V4WithdrawalBoundsRecipientNotTreasury", [other]);
  });

  it("refuses liquidity taken to another recipient", async () => {
    await expectRefused(
      await withdrawal([decrease(TREASURY_TOKEN), takePair(other)]),
      "V4WithdrawalBoundsRecipientNotTreasury",
      [other],
    );
    // The PositionManager itself (ADDRESS_THIS) would leave the tokens for anyone to sweep.
    const positionManagerItself: Address = "0x0000000000000000000000000000000000000002";
    await expectRefused(
      await withdrawal([decrease(TREASURY_TOKEN), takePair(positionManagerItself)]),
      "V4WithdrawalBoundsRecipientNotTreasury",
      [positionManagerItself],
    );
  });

  it("refuses a position the treasury does not own, minted or not", async () => {
    await expectRefused(
      await withdrawal([decrease(STRANGER_TOKEN), takePair(treasury)]),
      "V4WithdrawalBoundsNotTreasuryPosition",
      [STRANGER_TOKEN, other],
    );
    await expectRefused(
      await withdrawal([decrease(UNMINTED_TOKEN), takePair(treasury)]),
      "V4WithdrawalBoundsNotTreasuryPosition",
      [UNMINTED_TOKEN, zeroAddress],
    );
    // One foreign position among the treasury's is enough to refuse the call.
    await expectRefused(
      await withdrawal([decrease(TREASURY_TOKEN), decrease(STRANGER_TOKEN), takePair(treasury)]),
      "V4WithdrawalBoundsNotTreasuryPosition",
      [STRANGER_TOKEN, other],
    );
  });

  it("refuses every other action: mint, burn, settle, sweep", async () => {
    const poolKey = { currency0: ETH, currency1: USDC, fee: 500, tickSpacing: 10, hooks: zeroAddress };
    const refusals: [V4Action, number][] = [
      [
        {
          action: "MINT_POSITION",
          poolKey,
          tickLower: -10,
          tickUpper: 10,
          liquidity: 1n,
          amount0Max: 1n,
          amount1Max: 1n,
          owner: other,
        },
        0x02,
      ],
      [{ action: "BURN_POSITION", tokenId: TREASURY_TOKEN, amount0Min: 0n, amount1Min: 0n }, 0x03],
      [{ action: "SETTLE_PAIR", currency0: ETH, currency1: USDC }, 0x0d],
      [{ action: "SWEEP", currency: ETH, to: other }, 0x14],
    ];
    for (const [action, code] of refusals) {
      await expectRefused(
        await withdrawal([decrease(TREASURY_TOKEN), action]),
        "V4WithdrawalBoundsActionNotAllowed",
        [1n, code],
      );
    }
  });

  it("refuses hook data passed to the pool's hook", async () => {
    await expectRefused(
      await withdrawal([decrease(TREASURY_TOKEN, "0x01"), takePair(treasury)]),
      "V4WithdrawalBoundsHookData",
      [TREASURY_TOKEN],
    );
  });

  it("refuses a deadline past the bound, and any call when the bound is zero", async () => {
    const data = await withdrawal([decrease(TREASURY_TOKEN), takePair(treasury)], MAX_DEADLINE_SEC + 60);
    const [, latest] = await expectCustomError(
      bounds.read.enforce([positions.address, data, extra(MAX_DEADLINE_SEC)]),
      "V4WithdrawalBoundsDeadlineTooFar",
    );
    expect(latest).toBe((await now()) + BigInt(MAX_DEADLINE_SEC));
    expect(await check(positions.address, data)).toEqual([false, reason("V4WithdrawalBoundsDeadlineTooFar")]);
    const fine = await withdrawal([decrease(TREASURY_TOKEN), takePair(treasury)]);
    await expectRefused(fine, "V4WithdrawalBoundsNoDeadlineBound", [], positions.address, extra(0));
  });

  it("refuses another function, another target and a blob that does not decode", async () => {
    const transfer = encodeFunctionData({
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "transferFrom",
      args: [treasury, other, TREASURY_TOKEN],
    });
    await expectRefused(transfer, "V4WithdrawalBoundsUnsupportedCall", [transfer.slice(0, 10)]);
    const fine = await withdrawal([decrease(TREASURY_TOKEN), takePair(treasury)]);
    await expectRefused(fine, "V4WithdrawalBoundsWrongTarget", [other], other);
    const garbled = encodeFunctionData({
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "modifyLiquidities",
      args: ["0x1234", (await now()) + 60n],
    });
    expect(await check(positions.address, garbled)).toEqual([false, reason("V4WithdrawalBoundsCallFailed")]);
    // Two actions, one params entry.
    const mismatched = encodeFunctionData({
      abi: V4_POSITION_MANAGER_ABI,
      functionName: "modifyLiquidities",
      args: [
        encodeAbiParameters([{ type: "bytes" }, { type: "bytes[]" }], ["0x0111", ["0x"]]),
        (await now()) + 60n,
      ],
    });
    await expectRefused(mismatched, "V4WithdrawalBoundsLengthMismatch", [2n, 1n]);
  });
});
