// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title INonfungiblePositionManager
/// @notice The Uniswap v3 NonfungiblePositionManager functions HedgeBounds uses: the liquidity removal it judges
/// and the reads that find the position's pool.
/// @dev Signatures as in Uniswap v3 periphery's INonfungiblePositionManager and IPeripheryImmutableState.
interface INonfungiblePositionManager {
    struct DecreaseLiquidityParams {
        uint256 tokenId;
        uint128 liquidity;
        uint256 amount0Min;
        uint256 amount1Min;
        uint256 deadline;
    }

    /// @notice Removes `params.liquidity` from position `params.tokenId`, crediting the amounts to its owed tokens.
    function decreaseLiquidity(DecreaseLiquidityParams calldata params)
        external
        payable
        returns (uint256 amount0, uint256 amount1);

    /// @notice The position's pool key (token0, token1, fee), range, liquidity and fee accounting.
    function positions(uint256 tokenId)
        external
        view
        returns (
            uint96 nonce,
            address operator,
            address token0,
            address token1,
            uint24 fee,
            int24 tickLower,
            int24 tickUpper,
            uint128 liquidity,
            uint256 feeGrowthInside0LastX128,
            uint256 feeGrowthInside1LastX128,
            uint128 tokensOwed0,
            uint128 tokensOwed1
        );

    /// @notice The Uniswap v3 factory whose pools the manager's positions live in.
    function factory() external view returns (address);
}
