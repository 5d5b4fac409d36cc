// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IAaveV3AccountData} from "./interfaces/IAaveV3AccountData.sol";
import {IArbSys} from "./interfaces/IArbSys.sol";
import {IHedgeGuard} from "./interfaces/IHedgeGuard.sol";
import {IPerpPositionSource} from "./interfaces/IPerpPositionSource.sol";

/// @title HedgeGuard
/// @notice Premise and post-state assertions for hedge rebalances. See {IHedgeGuard}.
contract HedgeGuard is IHedgeGuard, Ownable2Step {
    /// @dev Arbitrum's ArbSys precompile, the same address on every Arbitrum chain.
    IArbSys private constant ARB_SYS = IArbSys(address(100));

    IPerpPositionSource private immutable _positionSource;
    /// @dev On Arbitrum `block.number` is an estimate of L1's block number (it lags the L2 block number keepers read
    /// by hundreds of millions and stands still for many L2 blocks): plan blocks are compared with ArbSys's instead.
    bool private immutable _arbitrumBlockNumbers;
    /// @dev Chainlink's L2 sequencer uptime feed (answer 0 = up, 1 = down; `startedAt` = when that status began), or
    /// zero on an L1. Immutable: a keeper key, or the owner, cannot switch the check off.
    AggregatorV3Interface private immutable _sequencerUptimeFeed;
    uint256 private immutable _sequencerGracePeriodSec;
    mapping(address feed => uint256 heartbeatSec) private _feedHeartbeats;
    mapping(address treasury => mapping(bytes32 bookKey => uint256 planBlock)) private _lastPlanBlocks;

    /// @param initialOwner The treasury Safe: the only account that may set feed heartbeats.
    /// @param positionSource_ The perp venue's position reader (Perpetual Protocol v2: AccountBalance).
    /// @param sequencerUptimeFeed_ On an L2, Chainlink's sequencer uptime feed proxy; the zero address on an L1.
    /// @param sequencerGracePeriodSec_ How long after the sequencer comes back plans stay refused (Chainlink's
    /// examples use 3600); the keeper waits the same period off chain.
    constructor(
        address initialOwner,
        address positionSource_,
        address sequencerUptimeFeed_,
        uint256 sequencerGracePeriodSec_
    ) Ownable(initialOwner) {
        if (positionSource_ == address(0)) revert HedgeGuardZeroAddress();
        _positionSource = IPerpPositionSource(positionSource_);
        _arbitrumBlockNumbers = _isArbitrum(block.chainid);
        _sequencerUptimeFeed = AggregatorV3Interface(sequencerUptimeFeed_);
        _sequencerGracePeriodSec = sequencerGracePeriodSec_;
    }

    /// @inheritdoc IHedgeGuard
    function checkPremise(
        PlanRef calldata plan,
        uint256 deadline,
        OraclePremise calldata oracle,
        PerpSize calldata expectedPreSize
    ) external returns (int256 answer) {
        answer = _checkOraclePremise(plan.planId, deadline, oracle);
        int256 actual = _positionSource.getTakerPositionSize(msg.sender, expectedPreSize.baseToken);
        if (!_within(actual, expectedPreSize.size, expectedPreSize.tolerance)) {
            revert HedgeGuardUnexpectedPreSize(
                plan.planId, expectedPreSize.baseToken, actual, expectedPreSize.size, expectedPreSize.tolerance
            );
        }
        _admit(plan);
    }

    /// @inheritdoc IHedgeGuard
    function checkPost(bytes32 planId, PerpSize calldata target, MinBalance[] calldata minBalances) external view {
        int256 actual = _positionSource.getTakerPositionSize(msg.sender, target.baseToken);
        if (!_within(actual, target.size, target.tolerance)) {
            revert HedgeGuardPostSizeMissed(planId, target.baseToken, actual, target.size, target.tolerance);
        }
        _checkBalances(planId, minBalances);
    }

    /// @inheritdoc IHedgeGuard
    function checkOraclePremise(PlanRef calldata plan, uint256 deadline, OraclePremise calldata oracle)
        external
        returns (int256 answer)
    {
        answer = _checkOraclePremise(plan.planId, deadline, oracle);
        _admit(plan);
    }

    /// @inheritdoc IHedgeGuard
    function checkBalances(bytes32 planId, MinBalance[] calldata minBalances) external view {
        _checkBalances(planId, minBalances);
    }

    /// @inheritdoc IHedgeGuard
    function checkHealthFactor(bytes32 planId, address pool, uint256 minHealthFactorWad) external view {
        if (pool == address(0)) revert HedgeGuardZeroAddress();
        (,,,,, uint256 healthFactorWad) = IAaveV3AccountData(pool).getUserAccountData(msg.sender);
        if (healthFactorWad < minHealthFactorWad) {
            revert HedgeGuardHealthFactorTooLow(planId, pool, healthFactorWad, minHealthFactorWad);
        }
    }

    /// @inheritdoc IHedgeGuard
    function setFeedHeartbeat(address feed, uint256 heartbeatSec) external onlyOwner {
        if (feed == address(0)) revert HedgeGuardZeroAddress();
        _feedHeartbeats[feed] = heartbeatSec;
        emit FeedHeartbeatSet(feed, heartbeatSec);
    }

    /// @inheritdoc IHedgeGuard
    function feedHeartbeat(address feed) external view returns (uint256) {
        return _feedHeartbeats[feed];
    }

    /// @inheritdoc IHedgeGuard
    function lastPlanBlock(address treasury, bytes32 bookKey) external view returns (uint256) {
        return _lastPlanBlocks[treasury][bookKey];
    }

    /// @inheritdoc IHedgeGuard
    function positionSource() external view returns (address) {
        return address(_positionSource);
    }

    /// @inheritdoc IHedgeGuard
    function sequencerUptimeFeed() external view returns (address feed, uint256 gracePeriodSec) {
        return (address(_sequencerUptimeFeed), _sequencerGracePeriodSec);
    }

    /// @dev Admits the plan after every premise check passed (so a refused plan records nothing): one storage write.
    /// A plan's block is bounded by the current one so a keeper key cannot claim a far-future block and lock the
    /// book; strictly newer than the last admitted so a plan, or an older plan of its book, never runs again.
    function _admit(PlanRef calldata plan) private {
        uint256 currentBlock = _blockNumber();
        if (plan.planBlock > currentBlock) {
            revert HedgeGuardPlanFromFuture(plan.planId, plan.planBlock, currentBlock);
        }
        uint256 last = _lastPlanBlocks[msg.sender][plan.bookKey];
        if (plan.planBlock <= last) revert HedgeGuardPlanNotNewer(plan.planId, plan.bookKey, plan.planBlock, last);
        _lastPlanBlocks[msg.sender][plan.bookKey] = plan.planBlock;
        emit PlanAdmitted(msg.sender, plan.bookKey, plan.planId, plan.planBlock);
    }

    function _checkOraclePremise(bytes32 planId, uint256 deadline, OraclePremise calldata oracle)
        private
        view
        returns (int256 answer)
    {
        if (block.timestamp > deadline) revert HedgeGuardDeadlinePassed(planId, deadline, block.timestamp);
        _checkSequencerUp(planId);
        if (oracle.minAnswer > oracle.maxAnswer) {
            revert HedgeGuardInvalidBand(planId, oracle.minAnswer, oracle.maxAnswer);
        }
        answer = _freshAnswer(planId, oracle.feed);
        if (answer < oracle.minAnswer || answer > oracle.maxAnswer) {
            revert HedgeGuardPriceOutOfBand(planId, answer, oracle.minAnswer, oracle.maxAnswer);
        }
    }

    /// @dev Chainlink's L2 sequencer uptime pattern (docs.chain.link/data-feeds/l2-sequencer-feeds): refuse while
    /// the feed answers 1 (down) and until `gracePeriodSec` has passed since `startedAt` of the "up" round. A
    /// `startedAt` of 0 is a feed not initialized yet (Arbitrum's before its first round): not proof of "up".
    /// The same boundary as the keeper's off-chain check: in grace while block.timestamp - startedAt < grace.
    function _checkSequencerUp(bytes32 planId) private view {
        if (address(_sequencerUptimeFeed) == address(0)) return;
        (, int256 answer, uint256 startedAt,,) = _sequencerUptimeFeed.latestRoundData();
        if (answer != 0 || startedAt == 0) {
            revert HedgeGuardSequencerDown(planId, address(_sequencerUptimeFeed), answer, startedAt);
        }
        // A round cannot start after the block that reads it; if a feed claimed so, treat it as just up.
        if (startedAt > block.timestamp || block.timestamp - startedAt < _sequencerGracePeriodSec) {
            revert HedgeGuardSequencerGracePeriod(planId, startedAt, _sequencerGracePeriodSec);
        }
    }

    /// @dev Chainlink's guidance: check `answer > 0` and `updatedAt` against the feed's own heartbeat (set per
    /// feed by the owner, never chosen by the caller); `answeredInRound` is deprecated and not consulted.
    function _freshAnswer(bytes32 planId, address feed) private view returns (int256 answer) {
        uint256 heartbeatSec = _feedHeartbeats[feed];
        if (heartbeatSec == 0) revert HedgeGuardFeedNotConfigured(planId, feed);
        uint256 updatedAt;
        (, answer,, updatedAt,) = AggregatorV3Interface(feed).latestRoundData();
        if (answer <= 0) revert HedgeGuardOracleInvalidAnswer(planId, feed, answer);
        if (updatedAt + heartbeatSec < block.timestamp) {
            revert HedgeGuardOracleStale(planId, feed, updatedAt, heartbeatSec);
        }
    }

    function _checkBalances(bytes32 planId, MinBalance[] calldata minBalances) private view {
        for (uint256 i = 0; i < minBalances.length; ++i) {
            uint256 balance = IERC20(minBalances[i].token).balanceOf(msg.sender);
            if (balance < minBalances[i].amount) {
                revert HedgeGuardBalanceTooLow(planId, minBalances[i].token, balance, minBalances[i].amount);
            }
        }
    }

    /// @dev |actual - expected| <= tolerance, computed without overflow for any int256 pair.
    function _within(int256 actual, int256 expected, uint256 tolerance) private pure returns (bool) {
        uint256 distance = actual >= expected
            ? _absDiff(actual, expected)
            : _absDiff(expected, actual);
        return distance <= tolerance;
    }

    /// @dev high - low for high >= low, as uint256: the difference of two int256 always fits in uint256.
    function _absDiff(int256 high, int256 low) private pure returns (uint256) {
        // Two's complement: uint256(high) - uint256(low) wraps to the exact distance when high >= low.
        unchecked {
            return uint256(high) - uint256(low);
        }
    }

    /// @dev The chain's own block number, the one the keeper's plan blocks are (eth_blockNumber): ArbSys's L2 block
    /// number on Arbitrum, `block.number` elsewhere (including OP Stack chains, where it is the L2 block number).
    function _blockNumber() private view returns (uint256) {
        return _arbitrumBlockNumbers ? ARB_SYS.arbBlockNumber() : block.number;
    }

    /// @dev Arbitrum One, Arbitrum Nova, Arbitrum Sepolia (docs.arbitrum.io/chain-info). An Orbit chain would be
    /// added here by its id.
    function _isArbitrum(uint256 chainId) private pure returns (bool) {
        return chainId == 42_161 || chainId == 42_170 || chainId == 421_614;
    }
}
