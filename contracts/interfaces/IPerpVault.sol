// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPerpVault
/// @notice The Perpetual Protocol v2 Vault functions HedgeBounds uses: the deposit it judges and the balance read
/// that judgement needs.
interface IPerpVault {
    /// @notice Moves `amount` of `token` (its smallest unit) from the caller into its Vault balance.
    function deposit(address token, uint256 amount) external;

    /// @notice The trader's collateral balance of `token`, in the token's smallest unit (negative after losses
    /// settled in the settlement token).
    function getBalanceByToken(address trader, address token) external view returns (int256);
}
