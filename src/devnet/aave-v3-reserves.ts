// The devnet's Aave v3 reserves and their risk parameters, as governance had set them on Aave's v3 Ethereum
// market AS OF 2023-10-31. Source: the full config snapshot bgd-labs/aave-proposals-v3 took for a governance
// payload that day (reports/AaveV3Ethereum_UpgradeAaveV3ETHPooolWETHParameters_20231031_after.json, commit
// 4d6a3d98fed47711e2f3eca6c59e4beb29b83967): its `reserves` entries and the `strategies` they point to.
// These are "as of" values, not today's: governance moves them often (the 2024-01-12 ARFC "Update stETH and WETH
// Risk Params" proposed WETH reserve factor 15% → 10% and optimal usage 80% → 90%), and later markets moved to
// one shared DefaultReserveInterestRateStrategyV2. 2023 suits this devnet: its bytecode is core-v3 1.19.3, the
// v3.0 code line (Pool revision 1) whose per-reserve strategy still takes the stable-rate parameters.
//
// Left out on purpose: e-mode (WETH was in category 1 "ETH correlated", whose other members are not listed here),
// isolation-mode flags (no isolated collateral is listed) and stable-rate borrowing (off on mainnet for all four).
import { type Address, parseUnits } from "viem";

export type AaveReserveKey = "weth" | "usdc" | "dai" | "usdt";

/** DefaultReserveInterestRateStrategy's constructor arguments, in rays (1e27 = 100%) as the contract takes them. */
export interface InterestRateParamsRay {
  optimalUsageRatio: bigint;
  baseVariableBorrowRate: bigint;
  variableRateSlope1: bigint;
  variableRateSlope2: bigint;
  stableRateSlope1: bigint;
  stableRateSlope2: bigint;
  /** The snapshot's baseStableBorrowRate is variableRateSlope1 + this offset (v3.0.1 strategy). */
  baseStableRateOffset: bigint;
  /** Not in the snapshot: 5%, as in aave/aave-v3-deploy's rate strategies. Inert: stable borrowing is off. */
  stableRateExcessOffset: bigint;
  optimalStableToTotalDebtRatio: bigint;
}

export interface AaveReserveParams {
  symbol: string;
  decimals: number;
  /** Basis points: 8050 = 80.5%. Liquidation bonus includes the principal: 10500 = 5% bonus. */
  ltvBps: number;
  liquidationThresholdBps: number;
  liquidationBonusBps: number;
  reserveFactorBps: number;
  /** Share of the liquidation bonus that goes to the treasury. */
  liquidationProtocolFeeBps: number;
  /** Whole tokens, as the configurator takes them; 0 = no cap. */
  supplyCapTokens: number;
  borrowCapTokens: number;
  flashLoanEnabled: boolean;
  interestRate: InterestRateParamsRay;
  /** The aToken / debt token names mainnet gave this reserve. */
  tokenNames: { aToken: string; aTokenSymbol: string; variableDebt: string; stableDebt: string };
}

/** A percentage (e.g. 2.8 for 2.8%) as a ray, without floating-point error. */
function percentRay(percent: string): bigint {
  const [whole = "0", fraction = ""] = percent.split(".");
  return (BigInt(whole + fraction.padEnd(4, "0")) * 10n ** 27n) / 1_000_000n;
}

function names(symbol: string): AaveReserveParams["tokenNames"] {
  return {
    aToken: `Aave Ethereum ${symbol}`,
    aTokenSymbol: `aEth${symbol}`,
    variableDebt: `Aave Ethereum Variable Debt ${symbol}`,
    stableDebt: `Aave Ethereum Stable Debt ${symbol}`,
  };
}

const STABLE_RATE_EXCESS_OFFSET = percentRay("5");
const OPTIMAL_STABLE_TO_TOTAL_DEBT = percentRay("20");

/** One entry per reserve; strategy addresses in the comments are the mainnet strategies the figures come from. */
export const AAVE_V3_RESERVES: Readonly<Record<AaveReserveKey, AaveReserveParams>> = {
  // Strategy 0xA901Bf68Bebde17ba382e499C3e9EbAe649DF276.
  weth: {
    symbol: "WETH",
    decimals: 18,
    ltvBps: 8050,
    liquidationThresholdBps: 8300,
    liquidationBonusBps: 10500,
    reserveFactorBps: 1500,
    liquidationProtocolFeeBps: 1000,
    supplyCapTokens: 1_800_000,
    borrowCapTokens: 1_400_000,
    flashLoanEnabled: true,
    interestRate: {
      optimalUsageRatio: percentRay("80"),
      baseVariableBorrowRate: 0n,
      variableRateSlope1: percentRay("2.8"),
      variableRateSlope2: percentRay("80"),
      stableRateSlope1: percentRay("4"),
      stableRateSlope2: percentRay("80"),
      baseStableRateOffset: percentRay("3"),
      stableRateExcessOffset: STABLE_RATE_EXCESS_OFFSET,
      optimalStableToTotalDebtRatio: OPTIMAL_STABLE_TO_TOTAL_DEBT,
    },
    tokenNames: names("WETH"),
  },
  // Strategy 0x8F183Ee74C790CB558232a141099b316D6C8Ba6E.
  usdc: {
    symbol: "USDC",
    decimals: 6,
    ltvBps: 7700,
    liquidationThresholdBps: 8000,
    liquidationBonusBps: 10450,
    reserveFactorBps: 1000,
    liquidationProtocolFeeBps: 2000,
    supplyCapTokens: 1_760_000_000,
    borrowCapTokens: 1_580_000_000,
    flashLoanEnabled: true,
    interestRate: {
      optimalUsageRatio: percentRay("90"),
      baseVariableBorrowRate: 0n,
      variableRateSlope1: percentRay("3.5"),
      variableRateSlope2: percentRay("60"),
      stableRateSlope1: percentRay("0.5"),
      stableRateSlope2: percentRay("60"),
      baseStableRateOffset: percentRay("1"),
      stableRateExcessOffset: STABLE_RATE_EXCESS_OFFSET,
      optimalStableToTotalDebtRatio: OPTIMAL_STABLE_TO_TOTAL_DEBT,
    },
    tokenNames: names("USDC"),
  },
  // Strategy 0x9a158802cD924747EF336cA3F9DE3bdb60Cf43D3.
  dai: {
    symbol: "DAI",
    decimals: 18,
    ltvBps: 7700,
    liquidationThresholdBps: 8000,
    liquidationBonusBps: 10500,
    reserveFactorBps: 1000,
    liquidationProtocolFeeBps: 2000,
    supplyCapTokens: 338_000_000,
    borrowCapTokens: 271_000_000,
    flashLoanEnabled: true,
    interestRate: {
      optimalUsageRatio: percentRay("90"),
      baseVariableBorrowRate: 0n,
      variableRateSlope1: percentRay("5"),
      variableRateSlope2: percentRay("75"),
      stableRateSlope1: percentRay("0.5"),
      stableRateSlope2: percentRay("75"),
      baseStableRateOffset: percentRay("1"),
      stableRateExcessOffset: STABLE_RATE_EXCESS_OFFSET,
      optimalStableToTotalDebtRatio: OPTIMAL_STABLE_TO_TOTAL_DEBT,
    },
    tokenNames: names("DAI"),
  },
  // Strategy 0xC82dF96432346cFb632473eB619Db3B8AC280234.
  usdt: {
    symbol: "USDT",
    decimals: 6,
    ltvBps: 7400,
    liquidationThresholdBps: 7600,
    liquidationBonusBps: 10450,
    reserveFactorBps: 1000,
    liquidationProtocolFeeBps: 1000,
    supplyCapTokens: 600_000_000,
    borrowCapTokens: 500_000_000,
    flashLoanEnabled: true,
    interestRate: {
      optimalUsageRatio: percentRay("80"),
      baseVariableBorrowRate: 0n,
      variableRateSlope1: percentRay("4"),
      variableRateSlope2: percentRay("75"),
      stableRateSlope1: percentRay("4"),
      stableRateSlope2: percentRay("72"),
      baseStableRateOffset: percentRay("1"),
      stableRateExcessOffset: STABLE_RATE_EXCESS_OFFSET,
      optimalStableToTotalDebtRatio: OPTIMAL_STABLE_TO_TOTAL_DEBT,
    },
    tokenNames: names("USDT"),
  },
};

/** The Chainlink feed (manifest key) that prices each reserve through the AaveOracle. */
export const AAVE_RESERVE_FEEDS = {
  weth: "ethUsd",
  usdc: "usdcUsd",
  dai: "daiUsd",
  usdt: "usdtUsd",
} as const satisfies Record<AaveReserveKey, string>;

export type AaveReserveAddresses = Readonly<Record<AaveReserveKey, Address>>;

/** Human units (e.g. 50_000_000 USDC) of a reserve's token, in its own decimals. */
export function aaveReserveUnits(key: AaveReserveKey, amount: number): bigint {
  return parseUnits(String(amount), AAVE_V3_RESERVES[key].decimals);
}
