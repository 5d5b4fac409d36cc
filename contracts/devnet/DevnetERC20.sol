// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {ShortString, ShortStrings} from "@openzeppelin/contracts/utils/ShortStrings.sol";
import {IDevnetERC20} from "../interfaces/IDevnetERC20.sol";

/// @title DevnetERC20
/// @notice See {IDevnetERC20}. The devnet deploys it anywhere, then sets its runtime code at the mainnet
/// token address. Runtime code carries immutables but not storage, so name, symbol, decimals and minter are
/// immutables (names as OZ ShortStrings) and the storage of a freshly placed copy is a valid empty token.
contract DevnetERC20 is ERC20, IDevnetERC20 {
    using ShortStrings for ShortString;

    ShortString private immutable _name;
    ShortString private immutable _symbol;
    uint8 private immutable _decimals;
    address private immutable _minter;

    /// @param name_ Token name, shorter than 32 bytes.
    /// @param symbol_ Token symbol, shorter than 32 bytes.
    /// @param decimals_ Decimals of the mainnet token (USDC 6, USDT 6, DAI 18).
    /// @param minter_ The only account allowed to mint.
    constructor(string memory name_, string memory symbol_, uint8 decimals_, address minter_) ERC20("", "") {
        _name = ShortStrings.toShortString(name_);
        _symbol = ShortStrings.toShortString(symbol_);
        _decimals = decimals_;
        _minter = minter_;
    }

    /// @inheritdoc IDevnetERC20
    function mint(address to, uint256 amount) external {
        if (msg.sender != _minter) revert DevnetERC20UnauthorizedMinter(msg.sender);
        _mint(to, amount);
    }

    /// @inheritdoc IDevnetERC20
    function minter() external view returns (address) {
        return _minter;
    }

    /// @inheritdoc ERC20
    function name() public view override(ERC20, IERC20Metadata) returns (string memory) {
        return _name.toString();
    }

    /// @inheritdoc ERC20
    function symbol() public view override(ERC20, IERC20Metadata) returns (string memory) {
        return _symbol.toString();
    }

    /// @inheritdoc ERC20
    function decimals() public view override(ERC20, IERC20Metadata) returns (uint8) {
        return _decimals;
    }
}
