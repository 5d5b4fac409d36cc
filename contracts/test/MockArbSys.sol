// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArbSys} from "../interfaces/IArbSys.sol";

/// @title MockArbSys
/// @notice Test stand-in for Arbitrum's ArbSys precompile (no such precompile exists on Hardhat's chain): reports
/// whatever L2 block number a test sets, so a test can hold it apart from `block.number` as Arbitrum does.
contract MockArbSys is IArbSys {
    uint256 private _arbBlockNumber;

    function setArbBlockNumber(uint256 arbBlockNumber_) external {
        _arbBlockNumber = arbBlockNumber_;
    }

    /// @inheritdoc IArbSys
    function arbBlockNumber() external view returns (uint256) {
        return _arbBlockNumber;
    }
}
