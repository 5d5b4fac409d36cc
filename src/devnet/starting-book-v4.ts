import {
  type Address,
  encodeFunctionData,
  erc20Abi,
  getAddress,
  type LocalAccount,
  maxUint48,
  maxUint160,
  maxUint256,
  parseEventLogs,
  zeroAddress,
} from "viem";
import { PERMIT2_ABI, V4_POSITION_MANAGER_ABI } from "../chain/abis/uniswap-v4-abi.ts";
import { encodeModifyLiquidities } from "../chain/uniswap-v4-actions.ts";
import { encodeMultiSend, type MetaTransaction } from "../execution/multisend.ts";
import type { PerpDeployment } from "./deploy-perp.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { MAINNET_TOKENS } from "./mainnet-addresses.ts";
import {
  type DevnetV4Pool,
  ethNeeded,
  mintAndSettleActions,
  planV4Mint,
  readV4PoolStates,
  type V4PoolName,
} from "./pools-v4.ts";
import { openStartingShort, STARTING_BOOK, vethShortSize } from "./starting-book.ts";
import { NO_DEADLINE, writeDevnetContract } from "./transactions.ts";
import { execSafeTransaction } from "./treasury-transaction.ts";

/** The treasury's v4 positions, in human units: native ETH beside USDC, a stable pair, and the hooked pool. */
export const STARTING_V4_BOOK = {
  ethUsdc500: { base: 20, quote: 60_000, lowerPrice: 2_400, upperPrice: 3_750 },
  usdcUsdt10: { base: 100_000, quote: 100_000, lowerPrice: 0.995, upperPrice: 1.005 },
  ethUsdcDynamic: { base: 10, quote: 30_000, lowerPrice: 2_000, upperPrice: 4_500 },
} as const satisfies Record<
  V4PoolName,
  { base: number; quote: number; lowerPrice: number; upperPrice: number }
>;

/**
 * Mints the treasury's v4 positions through the Safe, with one owner-signed transaction (a MultiSendCallOnly
 * batch: ERC-20 approvals to Permit2, Permit2 allowances to the PositionManager, then modifyLiquidities paying
 * ETH from the Safe). The Safe is first given exactly what the mints take (ETH, and USDC/USDT from the maker),
 * so its v3 book's reserves end where they were. Then, as for the v3 book, a vETH short of `hedgeRatio` of the ETH
 * the v4 positions took: the book watches both, and starts on its target hedge ratio (without it, the v4 ETH
 * left the starting book ~95 bps under-hedged, next to the devnet book's 100 bps arm band). Returns the new token ids.
 */
export async function buildV4StartingBook(
  client: DevnetClient,
  setup: {
    safe: Address;
    signers: readonly LocalAccount[];
    multiSendCallOnly: Address;
    /** Funds the Safe's stablecoins for the mints. */
    maker: Address;
    contracts: { permit2: Address; positionManager: Address; stateView: Address };
    pools: Record<V4PoolName, DevnetV4Pool>;
    perp: PerpDeployment;
  },
): Promise<{ tokenIds: bigint[] }> {
  const { safe, contracts, pools } = setup;
  const states = await readV4PoolStates(client, contracts.stateView, pools);
  const mints = (
    Object.entries(STARTING_V4_BOOK) as [V4PoolName, (typeof STARTING_V4_BOOK)[V4PoolName]][]
  ).map(([name, position]) =>
    planV4Mint(pools[name], states[name], {
      lowerPrice: position.lowerPrice,
      upperPrice: position.upperPrice,
      baseAmount: position.base,
      quoteAmount: position.quote,
      recipient: safe,
    }),
  );

  const value = ethNeeded(mints);
  await client.testClient.setBalance({
    address: safe,
    value: (await client.publicClient.getBalance({ address: safe })) + value,
  });
  const tokens = [MAINNET_TOKENS.usdc, MAINNET_TOKENS.usdt];
  for (const token of tokens) {
    const needed = mints.reduce(
      (sum, m) =>
        sum +
        (m.action.poolKey.currency0 === token ? m.amount0 : 0n) +
        (m.action.poolKey.currency1 === token ? m.amount1 : 0n),
      0n,
    );
    await writeDevnetContract(client, setup.maker, {
      address: token,
      abi: erc20Abi,
      functionName: "transfer",
      args: [safe, needed],
    });
  }

  const calls: MetaTransaction[] = [
    ...tokens.flatMap((token): MetaTransaction[] => [
      {
        to: token,
        value: 0n,
        data: encodeFunctionData({
          abi: erc20Abi,
          functionName: "approve",
          args: [contracts.permit2, maxUint256],
        }),
      },
      {
        to: contracts.permit2,
        value: 0n,
        data: encodeFunctionData({
          abi: PERMIT2_ABI,
          functionName: "approve",
          args: [token, contracts.positionManager, maxUint160, Number(maxUint48)],
        }),
      },
    ]),
    {
      to: contracts.positionManager,
      value,
      data: encodeModifyLiquidities(mintAndSettleActions(mints, safe), NO_DEADLINE),
    },
  ];
  const hash = await execSafeTransaction(client, safe, setup.signers, {
    label: "starting book: Uniswap v4 positions",
    to: setup.multiSendCallOnly,
    data: encodeMultiSend(calls),
    operation: 1,
  });
  const receipt = await client.publicClient.getTransactionReceipt({ hash });
  const minted = parseEventLogs({
    abi: V4_POSITION_MANAGER_ABI,
    eventName: "Transfer",
    logs: receipt.logs,
  }).filter(
    (log) =>
      getAddress(log.address) === getAddress(contracts.positionManager) &&
      log.args.from === zeroAddress &&
      getAddress(log.args.to) === getAddress(safe),
  );
  if (minted.length !== mints.length) {
    throw new Error(
      `the v4 starting book minted ${minted.length} positions, not ${mints.length}: did the Safe call fail?`,
    );
  }
  await openStartingShort(client, safe, setup, {
    label: "starting book: vETH short for the v4 positions",
    size: vethShortSize(value, STARTING_BOOK.hedgeRatio),
  });
  return { tokenIds: minted.map((log) => log.args.id) };
}
