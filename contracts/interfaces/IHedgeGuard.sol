// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IHedgeGuard
/// @notice Assertions a keeper's rebalance batch makes about the world, inside the same transaction
/// that moves funds. The guard holds no funds and no state that moves funds: every function is a
/// view that either returns or reverts with a custom error naming the plan that failed.
/// @dev Called first (`checkPremise`) and last (`checkPost`) in a MultiSend batch executed by the
/// treasury Safe through a Zodiac Roles modifier. A revert in either call reverts the whole batch.
interface IHedgeGuard {
    /// @notice The plan's deadline has passed.
    /// @param planId The plan's identifier (hash of book, block and actions).
    /// @param deadline The plan's deadline, unix seconds.
    /// @param nowSec The block timestamp at execution.
    error HedgeGuardDeadlinePassed(bytes32 planId, uint256 deadline, uint256 nowSec);

    /// @notice The oracle's latest answer is older than the feed's heartbeat allows.
    error HedgeGuardOracleStale(bytes32 planId, address feed, uint256 updatedAt, uint256 heartbeatSec);

    /// @notice The oracle answered zero or a negative price.
    error HedgeGuardOracleInvalidAnswer(bytes32 planId, address feed, int256 answer);

    /// @notice The oracle price left the band the plan was computed for.
    error HedgeGuardPriceOutOfBand(bytes32 planId, int256 answer, int256 minAnswer, int256 maxAnswer);

    /// @notice The plan's oracle band is empty (min above max).
    error HedgeGuardInvalidBand(bytes32 planId, int256 minAnswer, int256 maxAnswer);

    /// @notice The oracle premise of a plan: which feed, how fresh it must be, and the band
    /// (in the feed's own decimals) the answer must sit in for the plan to still make sense.
    struct OraclePremise {
        address feed;
        uint256 heartbeatSec;
        int256 minAnswer;
        int256 maxAnswer;
    }

    /// @notice Reverts unless the plan is still within its deadline and the oracle premise holds.
    /// @param planId The plan's identifier, echoed in every error.
    /// @param deadline Unix seconds after which the plan must not execute.
    /// @param oracle The oracle premise.
    /// @return answer The oracle answer the premise was checked against.
    function checkPremise(bytes32 planId, uint256 deadline, OraclePremise calldata oracle)
        external
        view
        returns (int256 answer);
}
