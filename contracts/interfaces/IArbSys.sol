// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IArbSys
/// @notice The part of Arbitrum's ArbSys precompile (at address 100 on every Arbitrum chain) HedgeGuard reads.
/// @dev On Arbitrum `block.number` is an estimate of Ethereum's (L1) block number, updated about once per L1 block;
/// `arbBlockNumber` is the chain's own (L2) block number, the one `eth_blockNumber` and receipts report.
interface IArbSys {
    /// @notice The current L2 block number.
    function arbBlockNumber() external view returns (uint256);
}
