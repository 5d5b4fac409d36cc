import { type Address, encodeFunctionData, erc20Abi, type Hash, maxUint128, parseAbi } from "viem";
import { PERP_VAULT_ABI } from "../../src/chain/abis/perp-v2-abi.ts";
import { POSITION_MANAGER_ABI } from "../../src/chain/abis/uniswap-v3-abi.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../src/devnet/accounts.ts";
import type { Devnet } from "../../src/devnet/index.ts";
import { execSafeTransaction } from "../../src/devnet/treasury-transaction.ts";

// The treasury Safe's owners acting on their own (issue 19): Safe transactions the keeper never planned, which it
// must find in the chain's logs. Each is signed by two of the devnet's three owners, the Safe's threshold.

/** Perp v2 ClearingHouse: the trader (or the vault) settles its pending funding; anyone else is refused ("CH_OVOT"). */
export const SETTLE_ALL_FUNDING_ABI = parseAbi(["function settleAllFunding(address trader)"]);

/** The owners who sign: two of three, the Safe's threshold. */
export const safeOwners = () =>
  DEVNET_ACCOUNT_INDEXES.owners.slice(0, 2).map((index) => devnetAccount(index));

/** The owners settle the Safe's pending perp funding into its owed realized P&L (ClearingHouse.settleAllFunding). */
export function ownersSettleFunding(devnet: Devnet, safe: Address): Promise<Hash> {
  return execSafeTransaction(devnet.client, safe, safeOwners(), {
    to: devnet.manifest.contracts.perp.clearingHouse,
    data: encodeFunctionData({ abi: SETTLE_ALL_FUNDING_ABI, functionName: "settleAllFunding", args: [safe] }),
    label: "owners settle the Safe's perp funding",
  });
}

/** The owners deposit `amount` USDC (6 decimals) of the Safe's into the Perp v2 Vault: approve, then deposit. */
export async function ownersDepositPerpCollateral(
  devnet: Devnet,
  safe: Address,
  amount: bigint,
): Promise<Hash> {
  const { usdc, perp } = devnet.manifest.contracts;
  await execSafeTransaction(devnet.client, safe, safeOwners(), {
    to: usdc,
    data: encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [perp.vault, amount] }),
    label: "owners approve the perp vault",
  });
  return execSafeTransaction(devnet.client, safe, safeOwners(), {
    to: perp.vault,
    data: encodeFunctionData({ abi: PERP_VAULT_ABI, functionName: "deposit", args: [usdc, amount] }),
    label: "owners deposit USDC into the perp vault",
  });
}

/**
 * The owners take a quarter of a v3 position's liquidity out to the Safe: decreaseLiquidity, then collect
 * everything owed, in one NonfungiblePositionManager multicall. Returns the position as it stood before.
 */
export async function ownersWithdrawQuarterOfV3Position(
  devnet: Devnet,
  safe: Address,
  tokenId: bigint,
): Promise<{ txHash: Hash; token0: Address; token1: Address; liquidity: bigint }> {
  const positionManager = devnet.manifest.contracts.positionManager;
  const [, , token0, token1, , , , liquidity] = await devnet.publicClient.readContract({
    address: positionManager,
    abi: POSITION_MANAGER_ABI,
    functionName: "positions",
    args: [tokenId],
  });
  const decreaseAndCollect = [
    encodeFunctionData({
      abi: POSITION_MANAGER_ABI,
      functionName: "decreaseLiquidity",
      args: [{ tokenId, liquidity: liquidity / 4n, amount0Min: 0n, amount1Min: 0n, deadline: 2n ** 63n }],
    }),
    encodeFunctionData({
      abi: POSITION_MANAGER_ABI,
      functionName: "collect",
      args: [{ tokenId, recipient: safe, amount0Max: maxUint128, amount1Max: maxUint128 }],
    }),
  ];
  const txHash = await execSafeTransaction(devnet.client, safe, safeOwners(), {
    to: positionManager,
    data: encodeFunctionData({
      abi: POSITION_MANAGER_ABI,
      functionName: "multicall",
      args: [decreaseAndCollect],
    }),
    label: `owners take a quarter of v3 position ${tokenId} out`,
  });
  return { txHash, token0, token1, liquidity };
}
