// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MockNonfungiblePositionManager
/// @notice Test stand-in for Uniswap v3's NonfungiblePositionManager: the pool key of positions a test sets, and
/// its factory. Liquidity and fee fields read as zero.
contract MockNonfungiblePositionManager {
    struct PoolKey {
        address token0;
        address token1;
        uint24 fee;
    }

    address private immutable _factory;
    mapping(uint256 tokenId => PoolKey) private _positions;

    constructor(address factory_) {
        _factory = factory_;
    }

    function setPosition(uint256 tokenId, address token0, address token1, uint24 fee) external {
        _positions[tokenId] = PoolKey(token0, token1, fee);
    }

    function positions(uint256 tokenId)
        external
        view
        returns (uint96, address, address, address, uint24, int24, int24, uint128, uint256, uint256, uint128, uint128)
    {
        PoolKey memory key = _positions[tokenId];
        return (0, address(0), key.token0, key.token1, key.fee, 0, 0, 0, 0, 0, 0, 0);
    }

    function factory() external view returns (address) {
        return _factory;
    }
}
