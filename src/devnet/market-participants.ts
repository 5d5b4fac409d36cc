import { type Address, erc20Abi, maxUint256, parseEther, parseUnits } from "viem";
import { AAVE_V3_POOL_ABI, AAVE_VARIABLE_RATE_MODE } from "../chain/abis/aave-v3-abi.ts";
import { WETH9_ABI } from "../chain/abis/weth9-abi.ts";
import { type AaveReserveKey, aaveReserveUnits } from "./aave-v3-reserves.ts";
import type { AaveV3Deployment } from "./deploy-aave-v3.ts";
import { type PerpDeployment, perpArtifact } from "./deploy-perp.ts";
import { devnetErc20Abi } from "./deploy-tokens.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { MAINNET_TOKENS } from "./mainnet-addresses.ts";
import { alignTick, tickFromRawPrice } from "./price-math.ts";
import { NO_DEADLINE, writeDevnetContract } from "./transactions.ts";

export interface FundingPlan {
  /** Human amounts of USDC, USDT, DAI and WETH per account. */
  balances: readonly {
    account: Address;
    usdc: number;
    usdt: number;
    dai: number;
    weth: number;
    eth: number;
  }[];
}

const STABLE_DECIMALS = { usdc: 6, usdt: 6, dai: 18 } as const;

/**
 * Gives each account ETH, stablecoins (minted by the tokens' minter) and WETH (wrapped by the account itself).
 */
export async function fundAccounts(
  client: DevnetClient,
  minter: Address,
  plan: FundingPlan,
  tokens: Readonly<Record<keyof typeof MAINNET_TOKENS, Address>> = MAINNET_TOKENS,
): Promise<void> {
  for (const entry of plan.balances) {
    await client.testClient.setBalance({
      address: entry.account,
      value: parseEther(String(entry.eth + entry.weth)),
    });
    await mintStablecoins(client, minter, entry.account, entry, tokens);
    if (entry.weth > 0) {
      await writeDevnetContract(client, entry.account, {
        address: tokens.weth,
        abi: WETH9_ABI,
        functionName: "deposit",
        value: parseEther(String(entry.weth)),
      });
    }
  }
}

/** Mints stablecoins (human units; zero or missing amounts are skipped) to `account`, as the tokens' minter. */
export async function mintStablecoins(
  client: DevnetClient,
  minter: Address,
  account: Address,
  amounts: Partial<Record<keyof typeof STABLE_DECIMALS, number>>,
  tokens: Readonly<Record<keyof typeof STABLE_DECIMALS, Address>> = MAINNET_TOKENS,
): Promise<void> {
  const tokenAbi = devnetErc20Abi();
  for (const key of ["usdc", "usdt", "dai"] as const) {
    const amount = amounts[key] ?? 0;
    if (amount === 0) continue;
    await writeDevnetContract(client, minter, {
      address: tokens[key],
      abi: tokenAbi,
      functionName: "mint",
      args: [account, parseUnits(String(amount), STABLE_DECIMALS[key])],
    });
  }
}

/** Unlimited approvals from an account the node holds. */
export async function approveAll(
  client: DevnetClient,
  owner: Address,
  tokens: readonly Address[],
  spenders: readonly Address[],
): Promise<void> {
  for (const token of tokens) {
    for (const spender of spenders) {
      await writeDevnetContract(client, owner, {
        address: token,
        abi: erc20Abi,
        functionName: "approve",
        args: [spender, maxUint256],
      });
    }
  }
}

/** Deposits USDC (human units) into the perp vault for `account`. */
export async function depositPerpCollateral(
  client: DevnetClient,
  perp: PerpDeployment,
  account: Address,
  usdc: number,
  usdcToken: Address = MAINNET_TOKENS.usdc,
): Promise<void> {
  await writeDevnetContract(client, account, {
    address: perp.vault,
    abi: perpArtifact("Vault").abi,
    functionName: "deposit",
    args: [usdcToken, parseUnits(String(usdc), 6)],
  });
}

/** The perp maker's ranges around the price: deep near it, thinner further out. */
const PERP_MAKER_RANGES = [
  { lower: 0.9, upper: 1.11, baseAmount: 2_000 },
  { lower: 0.7, upper: 1.43, baseAmount: 1_000 },
  { lower: 0.4, upper: 2.5, baseAmount: 500 },
];

/** Maker liquidity on the vETH market, so takers (the treasury, the scenario trader) can trade. */
export async function addPerpMakerLiquidity(
  client: DevnetClient,
  perp: PerpDeployment,
  maker: Address,
  price: number,
): Promise<void> {
  for (const range of PERP_MAKER_RANGES) {
    await writeDevnetContract(client, maker, {
      address: perp.clearingHouse,
      abi: perpArtifact("ClearingHouse").abi,
      functionName: "addLiquidity",
      args: [
        {
          baseToken: perp.baseToken,
          base: parseEther(String(range.baseAmount)),
          quote: parseEther(String(range.baseAmount * price)),
          lowerTick: alignTick(tickFromRawPrice(price * range.lower), 60, "down"),
          upperTick: alignTick(tickFromRawPrice(price * range.upper), 60, "up"),
          minBase: 0n,
          minQuote: 0n,
          useTakerBalance: false,
          deadline: NO_DEADLINE,
        },
      ],
    });
  }
}

/** Human amounts one account supplies to and borrows (variable rate) from one Aave v3 reserve. */
export interface AavePosition {
  supply: number;
  borrow: number;
}

/**
 * Supplies to Aave v3 and borrows against it (after approving the Pool for every reserve, which a liquidator
 * needs too), so the market has liquidity to lend and utilisation, hence rates, from the start.
 */
export async function openAavePositions(
  client: DevnetClient,
  aave: AaveV3Deployment,
  account: Address,
  positions: Readonly<Record<AaveReserveKey, AavePosition>>,
): Promise<void> {
  const keys = Object.keys(positions) as AaveReserveKey[];
  await approveAll(
    client,
    account,
    keys.map((key) => aave.reserves[key].asset),
    [aave.pool],
  );
  for (const key of keys) {
    await writeDevnetContract(client, account, {
      address: aave.pool,
      abi: AAVE_V3_POOL_ABI,
      functionName: "supply",
      args: [aave.reserves[key].asset, aaveReserveUnits(key, positions[key].supply), account, 0],
    });
  }
  for (const key of keys) {
    if (positions[key].borrow === 0) continue;
    await writeDevnetContract(client, account, {
      address: aave.pool,
      abi: AAVE_V3_POOL_ABI,
      functionName: "borrow",
      args: [
        aave.reserves[key].asset,
        aaveReserveUnits(key, positions[key].borrow),
        AAVE_VARIABLE_RATE_MODE,
        0,
        account,
      ],
    });
  }
}
