// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IUniswapV3SwapRouter
/// @notice The one Uniswap v3 SwapRouter call HedgeBounds judges: its parameters are decoded from the keeper's
/// calldata, never sent by us.
/// @dev Field order and types as in Uniswap v3 periphery's ISwapRouter (SwapRouter, not SwapRouter02: the
/// deadline is a field).
interface IUniswapV3SwapRouter {
    struct ExactInputSingleParams {
        address tokenIn;
        address tokenOut;
        uint24 fee;
        address recipient;
        uint256 deadline;
        uint256 amountIn;
        uint256 amountOutMinimum;
        uint160 sqrtPriceLimitX96;
    }

    /// @notice Swaps exactly `amountIn` of `tokenIn` for at least `amountOutMinimum` of `tokenOut`.
    function exactInputSingle(ExactInputSingleParams calldata params) external payable returns (uint256 amountOut);
}
