// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IAaveV3AccountData
/// @notice The one read HedgeGuard needs from an Aave v3 Pool: a user's account data, health factor included.
/// @dev Aave v3's Pool implements it as is (IPool.getUserAccountData). Base-currency figures are in the market's
/// oracle base currency (USD, 8 decimals, on Aave v3 Ethereum); `healthFactor` is a wad (1e18 = 1.0), and
/// `type(uint256).max` when the user has no debt.
interface IAaveV3AccountData {
    function getUserAccountData(address user)
        external
        view
        returns (
            uint256 totalCollateralBase,
            uint256 totalDebtBase,
            uint256 availableBorrowsBase,
            uint256 currentLiquidationThreshold,
            uint256 ltv,
            uint256 healthFactor
        );
}
