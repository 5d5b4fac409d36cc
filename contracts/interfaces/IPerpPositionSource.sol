// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPerpPositionSource
/// @notice The one read HedgeGuard needs from a perpetual venue: a trader's taker position size.
/// @dev Perpetual Protocol v2's AccountBalance implements it as is. Another venue plugs in through an
/// adapter contract exposing the same function. Size is signed, in base-token units (18 decimals):
/// negative is short.
interface IPerpPositionSource {
    function getTakerPositionSize(address trader, address baseToken) external view returns (int256);
}
