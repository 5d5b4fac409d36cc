// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {OracleBounds} from "../libraries/OracleBounds.sol";

/// @title OracleBoundsHarness
/// @notice Exposes the internal OracleBounds functions to the property tests
/// (test/contract/oracle-bounds.fuzz.test.ts).
contract OracleBoundsHarness {
    function decodeExtra(bytes12 extra) external pure returns (uint256 maxSlippageBps, uint256 ceilingWholeUnits) {
        return OracleBounds.decodeExtra(extra);
    }

    function minAmountOut(
        uint256 amountIn,
        uint256 priceIn,
        uint256 decimalsIn,
        uint256 priceOut,
        uint256 decimalsOut,
        uint256 slippageBps
    ) external pure returns (uint256) {
        return OracleBounds.minAmountOut(amountIn, priceIn, decimalsIn, priceOut, decimalsOut, slippageBps);
    }

    function minQuoteOut(uint256 amountBase, uint256 price, uint256 decimalsBase, uint256 slippageBps)
        external
        pure
        returns (uint256)
    {
        return OracleBounds.minQuoteOut(amountBase, price, decimalsBase, slippageBps);
    }

    function maxQuoteIn(uint256 amountBase, uint256 price, uint256 decimalsBase, uint256 slippageBps)
        external
        pure
        returns (uint256)
    {
        return OracleBounds.maxQuoteIn(amountBase, price, decimalsBase, slippageBps);
    }

    function poolPriceX128(uint160 sqrtPriceX96) external pure returns (uint256) {
        return OracleBounds.poolPriceX128(sqrtPriceX96);
    }

    function oraclePriceX128(uint256 price0, uint256 decimals0, uint256 price1, uint256 decimals1)
        external
        pure
        returns (uint256)
    {
        return OracleBounds.oraclePriceX128(price0, decimals0, price1, decimals1);
    }

    function withinBand(uint256 priceX128, uint256 referenceX128, uint256 slippageBps) external pure returns (bool) {
        return OracleBounds.withinBand(priceX128, referenceX128, slippageBps);
    }
}
