// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IUniswapV3Pool
/// @notice The Uniswap v3 pool state HedgeBounds reads: the current price.
interface IUniswapV3Pool {
    /// @notice The pool's current sqrt(token1/token0) price as a Q64.96, its tick, and oracle and fee settings.
    function slot0()
        external
        view
        returns (
            uint160 sqrtPriceX96,
            int24 tick,
            uint16 observationIndex,
            uint16 observationCardinality,
            uint16 observationCardinalityNext,
            uint8 feeProtocol,
            bool unlocked
        );
}
