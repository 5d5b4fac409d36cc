import type { Address } from "viem";

/** What a treasury lets its keeper do: the input to the permission set (permissions as code). */
export interface TreasuryScope {
  safe: Address;
  roles: Address;
  hedgeGuard: Address;
  multiSendCallOnly: Address;
  /** Zodiac's MultiSendUnwrapper adapter: lets Roles check each call inside a MultiSend batch. */
  multiSendUnwrapper: Address;
  keeper: Address;
  /** May only remove the keeper's role (pause); restoring it takes the Safe's owners. */
  guardian: Address;
  perp: {
    clearingHouse: Address;
    vault: Address;
    /** Markets the keeper may trade (Perpetual Protocol v2 base tokens, e.g. vETH). */
    baseTokens: readonly Address[];
    /** Collateral the keeper may deposit to / withdraw from the Safe's own vault account. */
    collateralTokens: readonly Address[];
  };
  uniswap: {
    swapRouter: Address;
    positionManager: Address;
    /** Pairs the keeper may swap, in this direction only, at this fee tier. */
    swapPairs: readonly { tokenIn: Address; tokenOut: Address; fee: number }[];
  };
  caps: {
    /** Perp trade size per day, base units (18 decimals), summed over opens in either direction. */
    perpBasePerDay: bigint;
    /** Swap input per day, per input token, in that token's units. */
    swapAmountInPerDay: Readonly<Record<Address, bigint>>;
    /** Collateral moved (deposit + withdraw) per day, per token, in that token's units. */
    collateralPerDay: Readonly<Record<Address, bigint>>;
    /** Venue calls per hour, all kinds together. */
    callsPerHour: number;
  };
}
