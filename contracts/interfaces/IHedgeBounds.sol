// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IHedgeBounds
/// @notice Oracle and size bounds on a treasury's venue calls, enforced by Zodiac Roles v2 before the call runs, so
/// a stolen keeper key cannot trade the treasury at a bad price or grow its exposure past a ceiling.
/// @dev A Roles v2 custom-condition adapter (operator `Custom`): the condition's `compValue` is this contract's
/// address followed by 12 bytes `extra`, and Roles calls {check} as a view with the full calldata of the scoped
/// call. One instance per treasury: positions and balances judged are always `treasury()`'s.
///
/// `extra` layout (big-endian, 12 bytes): bytes 0..1 `uint16 maxSlippageBps`, bytes 2..11
/// `uint80 ceilingWholeUnits`, i.e. `extra == bytes12(uint96(maxSlippageBps) << 80 | ceilingWholeUnits)`.
/// The ceiling is in whole tokens of the token the call grows (the perp base token, the deposited collateral)
/// and is scaled on chain by `10 ** tokenDecimals`; calls that grow nothing ignore it. A slippage of 10_000
/// basis points or more fails every call.
///
/// Reason encoding: a refusal returns `(false, bytes32(E.selector))` where `E` is one of the errors below, its
/// 4-byte selector left-aligned and the rest zero; Roles reverts with
/// `ConditionViolation(Status.CustomConditionViolation, reason)`. {enforce} reverts with the same error and its
/// arguments, for an operator who needs to know why. A revert from a feed or venue read fails closed with that
/// revert's selector (`HedgeBoundsCallFailed` when it carries none).
interface IHedgeBounds {
    /// @notice How a token is priced: a Chainlink USD feed, the feed's freshness bound and both decimals, packed
    /// in one storage slot (160 + 32 + 8 + 8 bits).
    /// @dev A perp base token (vETH) uses its underlying's feed (ETH/USD). A token that only needs its decimals
    /// (deposited collateral) still needs an entry: the feed is what marks the entry as set.
    struct PriceSource {
        address feed;
        uint32 heartbeatSec;
        uint8 feedDecimals;
        uint8 tokenDecimals;
    }

    /// @notice The owner set the price source of `token` (a zero `feed` means it was removed).
    event PriceSourceSet(
        address indexed token, address indexed feed, uint32 heartbeatSec, uint8 feedDecimals, uint8 tokenDecimals
    );

    /// @notice A zero address was given where an account or contract is required.
    error HedgeBoundsZeroAddress();
    /// @notice A price source with a zero heartbeat: no answer could ever be fresh.
    error HedgeBoundsHeartbeatZero(address token);
    /// @notice Decimals above 18: outside the range the bounds arithmetic is proven exact for.
    error HedgeBoundsDecimalsUnsupported(address source, uint8 decimals);
    /// @notice The decimals given for a feed or token differ from what the contract itself reports.
    error HedgeBoundsDecimalsMismatch(address source, uint8 configured, uint8 actual);

    /// @notice The scoped call is not one HedgeBounds knows how to judge.
    error HedgeBoundsUnsupportedCall(bytes4 selector);
    /// @notice A feed or venue read reverted without a reason (or ran out of gas): the check fails closed.
    error HedgeBoundsCallFailed();
    /// @notice The condition's slippage is 100% or more.
    error HedgeBoundsSlippageTooHigh(uint256 maxSlippageBps);
    /// @notice A token the call needs a price (or decimals) for has no price source.
    error HedgeBoundsNoPriceSource(address token);
    /// @notice The feed's latest answer is older than the heartbeat set for it.
    error HedgeBoundsOracleStale(address feed, uint256 updatedAt, uint256 heartbeatSec);
    /// @notice The feed answered zero or a negative price.
    error HedgeBoundsOracleInvalidAnswer(address feed, int256 answer);
    /// @notice A swap's minimum output is below what the oracle prices say the input is worth, less slippage.
    error HedgeBoundsMinOutBelowOracle(
        address tokenIn, address tokenOut, uint256 amountOutMinimum, uint256 oracleMinimum
    );
    /// @notice A perp trade sized in quote: its base change is not bounded by its calldata.
    error HedgeBoundsQuoteDenominatedTrade();
    /// @notice A perp trade's quote bound is looser than the oracle price allows (`oracleLimit` is the minimum
    /// quote out when selling base, the maximum quote in when buying).
    error HedgeBoundsPerpBoundBeyondOracle(address baseToken, bool isBaseToQuote, uint256 bound, uint256 oracleLimit);
    /// @notice A perp trade would leave the treasury's position larger than the ceiling (and larger than before).
    error HedgeBoundsPositionAboveCeiling(address baseToken, int256 sizeAfter, uint256 ceiling);
    /// @notice A deposit would raise the treasury's collateral balance of the token above the ceiling.
    error HedgeBoundsCollateralAboveCeiling(address token, uint256 balanceAfter, uint256 ceiling);
    /// @notice The pool's price (token1 per token0, raw units, Q128) is outside the oracle band.
    error HedgeBoundsPoolOffOracle(address pool, uint256 poolPriceX128, uint256 oraclePriceX128);

    /// @notice Roles v2 custom condition: whether the call `data` to `to` is within bounds.
    /// @dev `value`, `operation`, `location` and `size` are ignored: Roles judges value and operation itself, and
    /// `data` is decoded here from its selector. A refusal, or a read that fails, is returned, not reverted.
    /// @param to The called venue (trusted: Roles evaluates the condition only for the target it is attached to).
    /// @param data The full calldata of the scoped call, selector included.
    /// @param extra The condition's 12 bytes: slippage and ceiling (see the layout above).
    /// @return success Whether the call is within bounds.
    /// @return reason Zero on success, else the refusal's error selector, left-aligned.
    function check(
        address to,
        uint256 value,
        bytes calldata data,
        uint8 operation,
        uint256 location,
        uint256 size,
        bytes12 extra
    ) external view returns (bool success, bytes32 reason);

    /// @notice Returns when the call `data` to `to` is within bounds, else reverts with the refusal and its
    /// arguments. {check} is this, without the revert.
    /// @dev The calls judged, by selector of `data`:
    /// - SwapRouter `exactInputSingle`: `amountOutMinimum` at least the oracle value of `amountIn` in `tokenOut`,
    ///   less slippage, rounded up.
    /// - Perp ClearingHouse `openPosition`: exact-base trades only; the quote bound within slippage of the oracle
    ///   notional (minimum out rounded up, maximum in rounded down, never 0); the position after it at most
    ///   max(ceiling, |position before|), so reducing is always allowed.
    /// - Perp Vault `deposit`: the treasury's balance of the token after it at most the ceiling.
    /// - NonfungiblePositionManager `decreaseLiquidity`: the position's pool price within slippage of the oracle
    ///   price, since that price decides what the removal pays.
    function enforce(address to, bytes calldata data, bytes12 extra) external view;

    /// @notice Sets (or, with a zero feed, removes) the price source of `token`. Only the owner (the treasury
    /// Safe). The feed's and token's `decimals()` must equal the ones given, each at most 18.
    function setPriceSource(address token, PriceSource calldata source) external;

    /// @notice The price source of `token`, all zero when none.
    function priceSource(address token) external view returns (PriceSource memory);

    /// @notice The Safe whose positions and balances are judged.
    function treasury() external view returns (address);

    /// @notice The perp venue's position reader (Perpetual Protocol v2: AccountBalance).
    function positionSource() external view returns (address);
}
