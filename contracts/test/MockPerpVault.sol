// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title MockPerpVault
/// @notice Test stand-in for Perp v2's Vault: collateral balances a test sets directly.
contract MockPerpVault {
    mapping(address trader => mapping(address token => int256)) private _balances;

    function setBalanceByToken(address trader, address token, int256 balance) external {
        _balances[trader][token] = balance;
    }

    function getBalanceByToken(address trader, address token) external view returns (int256) {
        return _balances[trader][token];
    }
}
