// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IPerpClearingHouse
/// @notice The one Perpetual Protocol v2 ClearingHouse call HedgeBounds judges, decoded from the keeper's calldata.
/// @dev Field order and types as in Perp v2's IClearingHouse.OpenPositionParams. `amount` is in the input token
/// when `isExactInput`, else in the output token; `oppositeAmountBound` is the minimum output (exact input) or the
/// maximum input (exact output), in the other token.
interface IPerpClearingHouse {
    struct OpenPositionParams {
        address baseToken;
        bool isBaseToQuote;
        bool isExactInput;
        uint256 amount;
        uint256 oppositeAmountBound;
        uint256 deadline;
        uint160 sqrtPriceLimitX96;
        bytes32 referralCode;
    }

    /// @notice Opens, grows, reduces or flips the caller's taker position in `params.baseToken`.
    function openPosition(OpenPositionParams calldata params) external returns (uint256 base, uint256 quote);
}
