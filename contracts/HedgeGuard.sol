// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {IHedgeGuard} from "./interfaces/IHedgeGuard.sol";

/// @title HedgeGuard
/// @notice Stateless premise and post-state assertions for hedge rebalances. See {IHedgeGuard}.
contract HedgeGuard is IHedgeGuard {
    /// @inheritdoc IHedgeGuard
    function checkPremise(bytes32 planId, uint256 deadline, OraclePremise calldata oracle)
        external
        view
        returns (int256 answer)
    {
        if (block.timestamp > deadline) revert HedgeGuardDeadlinePassed(planId, deadline, block.timestamp);
        answer = _freshAnswer(planId, oracle.feed, oracle.heartbeatSec);
        if (oracle.minAnswer > oracle.maxAnswer) {
            revert HedgeGuardInvalidBand(planId, oracle.minAnswer, oracle.maxAnswer);
        }
        if (answer < oracle.minAnswer || answer > oracle.maxAnswer) {
            revert HedgeGuardPriceOutOfBand(planId, answer, oracle.minAnswer, oracle.maxAnswer);
        }
    }

    /// @dev Chainlink's own guidance: check `answer > 0` and `updatedAt` against the feed's heartbeat;
    /// `answeredInRound` is deprecated and not consulted.
    function _freshAnswer(bytes32 planId, address feed, uint256 heartbeatSec) private view returns (int256 answer) {
        uint256 updatedAt;
        (, answer,, updatedAt,) = AggregatorV3Interface(feed).latestRoundData();
        if (answer <= 0) revert HedgeGuardOracleInvalidAnswer(planId, feed, answer);
        // A feed answer from the future (updatedAt > now) cannot happen on a sane chain; treat it as fresh.
        if (updatedAt + heartbeatSec < block.timestamp) {
            revert HedgeGuardOracleStale(planId, feed, updatedAt, heartbeatSec);
        }
    }
}
