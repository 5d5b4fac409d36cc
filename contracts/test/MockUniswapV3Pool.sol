// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IUniswapV3Pool} from "../interfaces/IUniswapV3Pool.sol";

/// @title MockUniswapV3Pool
/// @notice Test stand-in for a Uniswap v3 pool: a price a test sets directly.
contract MockUniswapV3Pool is IUniswapV3Pool {
    uint160 private _sqrtPriceX96;

    function setSqrtPriceX96(uint160 sqrtPriceX96) external {
        _sqrtPriceX96 = sqrtPriceX96;
    }

    function slot0() external view returns (uint160, int24, uint16, uint16, uint16, uint8, bool) {
        return (_sqrtPriceX96, 0, 0, 1, 1, 0, true);
    }
}
