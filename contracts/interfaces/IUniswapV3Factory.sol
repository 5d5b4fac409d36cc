// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IUniswapV3Factory
/// @notice The Uniswap v3 factory's pool lookup.
interface IUniswapV3Factory {
    /// @notice The pool of the pair at the fee tier, or the zero address when none was created.
    function getPool(address tokenA, address tokenB, uint24 fee) external view returns (address pool);
}
