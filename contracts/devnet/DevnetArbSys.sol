// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IArbSys} from "../interfaces/IArbSys.sol";

/// @title DevnetArbSys
/// @notice The L2 devnet's ArbSys at address 100. Hardhat's chain has no Arbitrum precompiles and no L1 beneath it:
/// its `block.number` is the chain's own block number, which is what Arbitrum's `arbBlockNumber` reports.
contract DevnetArbSys is IArbSys {
    /// @inheritdoc IArbSys
    function arbBlockNumber() external view returns (uint256) {
        return block.number;
    }
}
