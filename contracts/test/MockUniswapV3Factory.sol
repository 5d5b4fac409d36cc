// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IUniswapV3Factory} from "../interfaces/IUniswapV3Factory.sol";

/// @title MockUniswapV3Factory
/// @notice Test stand-in for the Uniswap v3 factory: pools a test registers directly (both token orders).
contract MockUniswapV3Factory is IUniswapV3Factory {
    mapping(address tokenA => mapping(address tokenB => mapping(uint24 fee => address))) private _pools;

    function setPool(address tokenA, address tokenB, uint24 fee, address pool) external {
        _pools[tokenA][tokenB][fee] = pool;
        _pools[tokenB][tokenA][fee] = pool;
    }

    function getPool(address tokenA, address tokenB, uint24 fee) external view returns (address) {
        return _pools[tokenA][tokenB][fee];
    }
}
