// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPerpPositionSource} from "../interfaces/IPerpPositionSource.sol";

/// @title MockPerpAccountBalance
/// @notice Test stand-in for Perp v2's AccountBalance: taker position sizes a test sets directly.
contract MockPerpAccountBalance is IPerpPositionSource {
    mapping(address trader => mapping(address baseToken => int256)) private _sizes;

    function setTakerPositionSize(address trader, address baseToken, int256 size) external {
        _sizes[trader][baseToken] = size;
    }

    function getTakerPositionSize(address trader, address baseToken) external view returns (int256) {
        return _sizes[trader][baseToken];
    }
}
