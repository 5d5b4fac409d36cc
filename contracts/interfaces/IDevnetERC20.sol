// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title IDevnetERC20
/// @notice A test stablecoin for the devnet: the name, symbol and decimals of a mainnet token, and a mint
/// only its minter may call. It is placed at the mainnet token's address by copying its runtime code, so
/// every setting lives in immutables (see {DevnetERC20}).
interface IDevnetERC20 is IERC20Metadata {
    /// @notice The caller is not the minter.
    error DevnetERC20UnauthorizedMinter(address caller);

    /// @notice The account allowed to mint.
    function minter() external view returns (address);

    /// @notice Creates `amount` tokens (in the token's smallest unit) for `to`. Only the minter may call.
    function mint(address to, uint256 amount) external;
}
