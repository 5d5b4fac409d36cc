// The treasury's Aave v3 borrow short, opened through the Safe itself with owner-signed transactions: approve the
// Pool, supply USDC (collateral from the first supply on), borrow WETH at the variable rate on the Safe's own
// account (one MultiSendCallOnly batch). The borrowed WETH stays in the Safe: the keeper's Aave leg sells it.
import { type Address, encodeFunctionData, erc20Abi, type LocalAccount, maxUint256, parseUnits } from "viem";
import { AAVE_V3_POOL_ABI, AAVE_VARIABLE_RATE_MODE } from "../chain/abis/aave-v3-abi.ts";
import { encodeMultiSend, type MetaTransaction } from "../execution/multisend.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { execSafeTransaction } from "./treasury-transaction.ts";

/** The Aave leg of the treasury's book, in human units: HF = 400,000 × 0.78 / (60 × 3000) ≈ 1.73 at ETH 3000. */
export const STARTING_AAVE_SHORT = { supplyUsdc: 400_000, borrowWeth: 60 } as const;

export async function openAaveBorrowShort(
  client: DevnetClient,
  setup: {
    safe: Address;
    signers: readonly LocalAccount[];
    multiSendCallOnly: Address;
    pool: Address;
    usdc: Address;
    weth: Address;
    supplyUsdc?: number;
    borrowWeth?: number;
  },
): Promise<void> {
  const supply = parseUnits(String(setup.supplyUsdc ?? STARTING_AAVE_SHORT.supplyUsdc), 6);
  const borrow = parseUnits(String(setup.borrowWeth ?? STARTING_AAVE_SHORT.borrowWeth), 18);
  const call = (to: Address, data: `0x${string}`): MetaTransaction => ({ to, value: 0n, data });
  const calls = [
    call(
      setup.usdc,
      encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [setup.pool, maxUint256] }),
    ),
    call(
      setup.weth,
      encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [setup.pool, maxUint256] }),
    ),
    call(
      setup.pool,
      encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "supply",
        args: [setup.usdc, supply, setup.safe, 0],
      }),
    ),
    call(
      setup.pool,
      encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "borrow",
        args: [setup.weth, borrow, AAVE_VARIABLE_RATE_MODE, 0, setup.safe],
      }),
    ),
  ];
  await execSafeTransaction(client, setup.safe, setup.signers, {
    label: "starting book: Aave borrow short",
    to: setup.multiSendCallOnly,
    data: encodeMultiSend(calls),
    operation: 1,
  });
}
