// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";

/// @title OracleBounds
/// @notice The arithmetic of HedgeBounds: what an amount of one token is worth in another at oracle prices, the
/// perp quote limits, and whether a pool price sits in a band around the oracle price.
/// @dev Prices are Chainlink USD answers (`answer / 10**feedDecimals` dollars per whole token). A token's
/// `decimals` here is `feedDecimals + tokenDecimals`: one raw unit of it is worth
/// `answer / 10**decimals` dollars. Every result is the exact rational value rounded once, in the direction
/// stated (OpenZeppelin `Math.mulDiv` keeps the 512-bit product), so it equals a reference computed with
/// unbounded integers.
///
/// Domain (all checked arithmetic: outside it a call reverts, it never wraps):
/// - `decimals` at most 36 (feed and token decimals at most 18 each), so a decimal shift is at most 10**36;
/// - answers at most 10**36 (real feeds answer below 10**30);
/// - amounts at most 5 * 10**72 (`amount * 19_999` fits in 256 bits);
/// - `slippageBps` below `BPS` (the caller refuses the rest);
/// - the result fits in 256 bits (a ceiling-rounded result below 2**256 - 1).
/// Inside it no intermediate overflows: `amount * factorBps < 2**256`, `price * 10**36 < 2**243`,
/// `price * 10**36 * BPS < 2**256`.
library OracleBounds {
    /// @notice Basis points in one.
    uint256 internal constant BPS = 10_000;

    /// @notice The perp's quote token (Perp v2 vUSD) as a price source: exactly $1 (answer 1, no feed decimals),
    /// 18 token decimals.
    uint256 internal constant PERP_QUOTE_ANSWER = 1;
    uint256 internal constant PERP_QUOTE_DECIMALS = 18;

    /// @notice Splits a Roles condition's 12 `extra` bytes: `uint16 maxSlippageBps` then `uint80 ceilingWholeUnits`,
    /// big-endian.
    function decodeExtra(bytes12 extra) internal pure returns (uint256 maxSlippageBps, uint256 ceilingWholeUnits) {
        uint96 packed = uint96(extra);
        maxSlippageBps = packed >> 80;
        ceilingWholeUnits = uint80(packed);
    }

    /// @notice The least output an exact-input swap may accept: `amountIn` valued at the oracle prices, less
    /// `slippageBps`, rounded up (a bound may only err towards the treasury).
    /// @dev amountIn * priceIn * 10**decimalsOut * (BPS - slippageBps) / (priceOut * 10**decimalsIn * BPS).
    function minAmountOut(
        uint256 amountIn,
        uint256 priceIn,
        uint256 decimalsIn,
        uint256 priceOut,
        uint256 decimalsOut,
        uint256 slippageBps
    ) internal pure returns (uint256) {
        return convert(amountIn, priceIn, decimalsIn, priceOut, decimalsOut, BPS - slippageBps, Math.Rounding.Ceil);
    }

    /// @notice The least quote (18-decimal vUSD) selling `amountBase` may accept: its oracle notional less
    /// `slippageBps`, rounded up.
    function minQuoteOut(uint256 amountBase, uint256 price, uint256 decimalsBase, uint256 slippageBps)
        internal
        pure
        returns (uint256)
    {
        return convert(
            amountBase,
            price,
            decimalsBase,
            PERP_QUOTE_ANSWER,
            PERP_QUOTE_DECIMALS,
            BPS - slippageBps,
            Math.Rounding.Ceil
        );
    }

    /// @notice The most quote (18-decimal vUSD) buying `amountBase` may pay: its oracle notional plus
    /// `slippageBps`, rounded down.
    function maxQuoteIn(uint256 amountBase, uint256 price, uint256 decimalsBase, uint256 slippageBps)
        internal
        pure
        returns (uint256)
    {
        return convert(
            amountBase,
            price,
            decimalsBase,
            PERP_QUOTE_ANSWER,
            PERP_QUOTE_DECIMALS,
            BPS + slippageBps,
            Math.Rounding.Floor
        );
    }

    /// @notice `amount` raw units of a token priced `priceFrom` (decimals `decimalsFrom`) in raw units of one priced
    /// `priceTo` (decimals `decimalsTo`), times `factorBps / BPS`, rounded once.
    /// @dev USD value = amount * priceFrom / 10**decimalsFrom; in the other token that is
    /// value * 10**decimalsTo / priceTo. Only the difference of the decimals is applied, on the side it
    /// multiplies, so the shift stays within 10**36.
    function convert(
        uint256 amount,
        uint256 priceFrom,
        uint256 decimalsFrom,
        uint256 priceTo,
        uint256 decimalsTo,
        uint256 factorBps,
        Math.Rounding rounding
    ) internal pure returns (uint256) {
        (uint256 scaleUp, uint256 scaleDown) = decimalShift(decimalsFrom, decimalsTo);
        return Math.mulDiv(amount * factorBps, priceFrom * scaleUp, priceTo * scaleDown * BPS, rounding);
    }

    /// @notice A Uniswap v3 pool's price, raw token1 per raw token0, as a Q128.128: sqrtPriceX96**2 / 2**192
    /// scaled by 2**128, rounded down.
    /// @dev Uniswap v3 whitepaper 6.1: sqrtPriceX96 = sqrt(token1/token0) * 2**96. Below 2**160 (every valid
    /// price, TickMath.MAX_SQRT_RATIO < 2**160) the result fits in 256 bits.
    function poolPriceX128(uint160 sqrtPriceX96) internal pure returns (uint256) {
        return Math.mulDiv(sqrtPriceX96, sqrtPriceX96, 1 << 64);
    }

    /// @notice The oracle's price of raw token0 in raw token1 as a Q128.128, rounded down:
    /// price0 * 10**decimals1 * 2**128 / (price1 * 10**decimals0).
    function oraclePriceX128(uint256 price0, uint256 decimals0, uint256 price1, uint256 decimals1)
        internal
        pure
        returns (uint256)
    {
        (uint256 scaleUp, uint256 scaleDown) = decimalShift(decimals0, decimals1);
        return Math.mulDiv(price0 * scaleUp, 1 << 128, price1 * scaleDown);
    }

    /// @notice Whether `priceX128` lies in [reference * (1 - slippage), reference * (1 + slippage)], exactly.
    /// @dev price >= reference * (BPS - s) / BPS holds for an integer price iff it holds for the rounded-up bound;
    /// price <= reference * (BPS + s) / BPS iff ceil(price * BPS / (BPS + s)) <= reference for an integer
    /// reference. Neither side can overflow (both are at most their first argument).
    function withinBand(uint256 priceX128, uint256 referenceX128, uint256 slippageBps) internal pure returns (bool) {
        uint256 lower = Math.mulDiv(referenceX128, BPS - slippageBps, BPS, Math.Rounding.Ceil);
        if (priceX128 < lower) return false;
        return Math.mulDiv(priceX128, BPS, BPS + slippageBps, Math.Rounding.Ceil) <= referenceX128;
    }

    /// @notice The factors that move a value from `decimalsFrom` to `decimalsTo`: one of them is 1.
    function decimalShift(uint256 decimalsFrom, uint256 decimalsTo)
        internal
        pure
        returns (uint256 scaleUp, uint256 scaleDown)
    {
        if (decimalsTo >= decimalsFrom) return (10 ** (decimalsTo - decimalsFrom), 1);
        return (1, 10 ** (decimalsFrom - decimalsTo));
    }
}
