// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IAaveV3AccountData} from "../interfaces/IAaveV3AccountData.sol";

/// @title MockAavePool
/// @notice Test stand-in for Aave v3's Pool account data: the health factor a test sets per user. The real Pool's
/// health factor is exercised on the devnet (test/integration/execution).
contract MockAavePool is IAaveV3AccountData {
    mapping(address user => uint256) private _healthFactors;

    function setHealthFactor(address user, uint256 healthFactor) external {
        _healthFactors[user] = healthFactor;
    }

    function getUserAccountData(address user)
        external
        view
        returns (uint256, uint256, uint256, uint256, uint256, uint256 healthFactor)
    {
        return (0, 0, 0, 0, 0, _healthFactors[user]);
    }
}
