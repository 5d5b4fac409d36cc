// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IHedgeGuard
/// @notice Assertions a keeper's rebalance batch makes about the world, inside the same transaction
/// that moves funds, and the record that lets every plan execute at most once. The guard moves no funds: its
/// checks return or revert with a custom error naming the plan that failed. Its state is configuration its
/// owner (the treasury Safe) sets and, per caller and book, the block of the last plan admitted.
/// @dev Called first (`checkPremise`) and last (`checkPost`) in a MultiSend batch that the treasury Safe
/// executes through a Zodiac Roles modifier, so `msg.sender` is the treasury: positions, balances and plan
/// records are always the caller's own, and a keeper cannot point the checks at another account.
interface IHedgeGuard {
    /// @notice Which plan is executing: its id, its book, and the block it was computed at.
    /// @dev `bookKey` is keccak256 of the book id's UTF-8 bytes, computed off chain. Per caller and book, a plan is
    /// admitted only if its block is newer than the last admitted one's, so each plan executes at most once and
    /// an older plan cannot run after a newer one. Blocks are the chain's own block numbers (what `eth_blockNumber`
    /// reports): on Arbitrum that is ArbSys's `arbBlockNumber`, not `block.number` (an estimate of L1's).
    struct PlanRef {
        bytes32 planId;
        bytes32 bookKey;
        uint64 planBlock;
    }

    /// @notice The oracle premise of a plan: the feed and the band (in the feed's own decimals) its answer
    /// must sit in for the plan to still make sense. Freshness uses the heartbeat the owner set for the feed.
    struct OraclePremise {
        address feed;
        int256 minAnswer;
        int256 maxAnswer;
    }

    /// @notice A perp position size with a tolerance, in base-token units (18 decimals, negative = short).
    struct PerpSize {
        address baseToken;
        int256 size;
        uint256 tolerance;
    }

    /// @notice A token balance the caller must hold at least, after the batch.
    struct MinBalance {
        address token;
        uint256 amount;
    }

    /// @notice The owner set (or cleared, with 0) the heartbeat a feed's answer must be fresher than.
    event FeedHeartbeatSet(address indexed feed, uint256 heartbeatSec);
    /// @notice A plan passed its premise and is now the last admitted plan of its book for `treasury` (the caller).
    event PlanAdmitted(address indexed treasury, bytes32 indexed bookKey, bytes32 indexed planId, uint256 planBlock);

    /// @notice The plan's deadline has passed.
    error HedgeGuardDeadlinePassed(bytes32 planId, uint256 deadline, uint256 nowSec);
    /// @notice The feed has no heartbeat configured: the guard cannot judge its freshness.
    error HedgeGuardFeedNotConfigured(bytes32 planId, address feed);
    /// @notice The oracle's latest answer is older than the feed's heartbeat allows.
    error HedgeGuardOracleStale(bytes32 planId, address feed, uint256 updatedAt, uint256 heartbeatSec);
    /// @notice The oracle answered zero or a negative price.
    error HedgeGuardOracleInvalidAnswer(bytes32 planId, address feed, int256 answer);
    /// @notice The oracle price left the band the plan was computed for.
    error HedgeGuardPriceOutOfBand(bytes32 planId, int256 answer, int256 minAnswer, int256 maxAnswer);
    /// @notice The plan's oracle band is empty (min above max).
    error HedgeGuardInvalidBand(bytes32 planId, int256 minAnswer, int256 maxAnswer);
    /// @notice The perp position before the batch is not the one the plan was computed for (e.g. the plan ran).
    error HedgeGuardUnexpectedPreSize(
        bytes32 planId, address baseToken, int256 actual, int256 expected, uint256 tolerance
    );
    /// @notice The perp position after the batch missed the plan's target.
    error HedgeGuardPostSizeMissed(bytes32 planId, address baseToken, int256 actual, int256 target, uint256 tolerance);
    /// @notice A token balance after the batch is below the plan's minimum.
    error HedgeGuardBalanceTooLow(bytes32 planId, address token, uint256 actual, uint256 minimum);
    /// @notice The caller's Aave v3 health factor after the batch is below the plan's floor.
    error HedgeGuardHealthFactorTooLow(
        bytes32 planId, address pool, uint256 healthFactorWad, uint256 minHealthFactorWad
    );
    /// @notice A zero address was given where a contract is required.
    error HedgeGuardZeroAddress();
    /// @notice The plan claims a block after the current one: admitting it would lock its book until then.
    error HedgeGuardPlanFromFuture(bytes32 planId, uint256 planBlock, uint256 blockNumber);
    /// @notice A plan of this book from the same or a later block was already admitted (this plan ran, or is stale).
    error HedgeGuardPlanNotNewer(bytes32 planId, bytes32 bookKey, uint256 planBlock, uint256 lastPlanBlock);
    /// @notice The L2 sequencer uptime feed reports the sequencer down (answer 1), or has no round yet
    /// (`startedAt` 0): prices may be stale and only L1-forced transactions get through.
    error HedgeGuardSequencerDown(bytes32 planId, address feed, int256 answer, uint256 startedAt);
    /// @notice The sequencer is up again since `upSince`, but for less than the grace period: feeds may not have
    /// caught up yet.
    error HedgeGuardSequencerGracePeriod(bytes32 planId, uint256 upSince, uint256 gracePeriodSec);

    /// @notice Reverts unless the plan is within its deadline, the oracle premise holds, the caller's perp
    /// position still has the size the plan expects, and the plan is newer than the last one admitted for its
    /// book; then records it as the book's last admitted plan (emits {PlanAdmitted}).
    /// @param plan The plan's id (echoed in every error), book and block: at most the current block, and after the
    /// book's last admitted plan.
    /// @param deadline Unix seconds after which the plan must not execute.
    /// @param oracle The oracle premise.
    /// @param expectedPreSize The caller's perp position the plan was computed from.
    /// @return answer The oracle answer the premise was checked against.
    function checkPremise(
        PlanRef calldata plan,
        uint256 deadline,
        OraclePremise calldata oracle,
        PerpSize calldata expectedPreSize
    ) external returns (int256 answer);

    /// @notice Reverts unless the caller's perp position hits the plan's target and every listed balance is at
    /// least its minimum.
    /// @param planId The plan's identifier, echoed in every error.
    /// @param target The caller's perp position the plan aims at.
    /// @param minBalances Balances of the caller that must be at least these amounts.
    function checkPost(bytes32 planId, PerpSize calldata target, MinBalance[] calldata minBalances) external view;

    /// @notice Reverts unless the plan is within its deadline, the oracle premise holds and the plan is newer than
    /// the last one admitted for its book; then records it (emits {PlanAdmitted}). For plans that do not touch the
    /// perp (a de-peg swap), which the perp position cannot tell apart once they ran.
    /// @return answer The oracle answer the premise was checked against.
    function checkOraclePremise(PlanRef calldata plan, uint256 deadline, OraclePremise calldata oracle)
        external
        returns (int256 answer);

    /// @notice Reverts unless every listed balance of the caller is at least its minimum.
    function checkBalances(bytes32 planId, MinBalance[] calldata minBalances) external view;

    /// @notice Reverts unless the caller's health factor on the Aave v3 `pool` (getUserAccountData, a wad) is at least
    /// `minHealthFactorWad`: a plan never leaves a borrow short closer to liquidation than its floor. An account
    /// without debt has an unbounded health factor (Aave reports `type(uint256).max`) and always passes.
    /// @dev The pool is the caller's to name, like every argument of these checks: the guard asserts what the batch
    /// claims about itself. What a keeper key may do regardless is bounded by its Roles scope, not by the guard.
    /// @param planId The plan's identifier, echoed in the error.
    /// @param pool The Aave v3 Pool holding the caller's account.
    /// @param minHealthFactorWad The floor, in wad (1e18 = a health factor of 1.0, where liquidation starts).
    function checkHealthFactor(bytes32 planId, address pool, uint256 minHealthFactorWad) external view;

    /// @notice Sets the heartbeat for a feed (0 removes it). Only the owner (the treasury Safe).
    function setFeedHeartbeat(address feed, uint256 heartbeatSec) external;

    /// @notice The heartbeat set for a feed, 0 when none.
    function feedHeartbeat(address feed) external view returns (uint256);

    /// @notice The block of the last plan admitted for `treasury`'s book `bookKey`, 0 when none.
    function lastPlanBlock(address treasury, bytes32 bookKey) external view returns (uint256);

    /// @notice The venue contract the perp position sizes are read from.
    function positionSource() external view returns (address);

    /// @notice The Chainlink L2 sequencer uptime feed every premise check consults, and the grace period after the
    /// sequencer comes back during which plans are refused; the zero address (an L1) when there is none.
    function sequencerUptimeFeed() external view returns (address feed, uint256 gracePeriodSec);
}
