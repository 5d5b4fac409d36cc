// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title IV4WithdrawalBounds
/// @notice What a treasury's keeper may do with Uniswap v4's PositionManager: withdraw liquidity of the treasury's
/// own positions to the treasury, and nothing else. Enforced by Zodiac Roles v2 before the call runs.
/// @dev A Roles v2 custom-condition adapter (operator `Custom`), as {IHedgeBounds}: the condition's `compValue` is
/// this contract's address followed by 12 bytes `extra`, and Roles calls {check} as a view with the full calldata
/// of the scoped call. Roles cannot scope inside `modifyLiquidities(bytes unlockData, uint256 deadline)`: the
/// actions and their parameters are one opaque blob, so this contract decodes it, strictly (an encoding the
/// Solidity ABI decoder refuses is refused), and allows only:
/// - DECREASE_LIQUIDITY (0x01) of a token id `treasury()` owns (`ownerOf`), with empty hook data;
/// - TAKE_PAIR (0x11) and TAKE (0x0e) paying `treasury()` (or ActionConstants.MSG_SENDER, address(1): the
///   caller, which is the treasury executing the call);
/// - CLOSE_CURRENCY (0x12), which settles or takes to the caller (the treasury);
/// and a deadline no later than `block.timestamp + maxDeadlineSec`.
///
/// `extra` layout (12 bytes): `uint96 maxDeadlineSec`; zero fails every call.
///
/// Reason encoding as {IHedgeBounds}: a refusal returns `(false, bytes32(E.selector))`; Roles reverts with
/// `ConditionViolation(Status.CustomConditionViolation, reason)`. {enforce} reverts with the error and its
/// arguments. A malformed blob or a failing read fails closed (`V4WithdrawalBoundsCallFailed` when the revert
/// carries no selector).
interface IV4WithdrawalBounds {
    /// @notice A zero address was given where an account or contract is required.
    error V4WithdrawalBoundsZeroAddress();

    /// @notice The scoped call is not `modifyLiquidities(bytes,uint256)`.
    error V4WithdrawalBoundsUnsupportedCall(bytes4 selector);

    /// @notice The call goes to another contract than the PositionManager this instance judges.
    error V4WithdrawalBoundsWrongTarget(address to);

    /// @notice `extra` sets no deadline bound.
    error V4WithdrawalBoundsNoDeadlineBound();

    /// @notice The deadline is further away than the bound allows.
    error V4WithdrawalBoundsDeadlineTooFar(uint256 deadline, uint256 latest);

    /// @notice `actions` and `params` differ in length.
    error V4WithdrawalBoundsLengthMismatch(uint256 actions, uint256 params);

    /// @notice An action other than DECREASE_LIQUIDITY, TAKE_PAIR, TAKE or CLOSE_CURRENCY.
    error V4WithdrawalBoundsActionNotAllowed(uint256 index, uint8 action);

    /// @notice DECREASE_LIQUIDITY of a position the treasury does not own (`owner` zero: burned or never minted).
    error V4WithdrawalBoundsNotTreasuryPosition(uint256 tokenId, address owner);

    /// @notice DECREASE_LIQUIDITY with hook data: the treasury's keeper passes none to a hook.
    error V4WithdrawalBoundsHookData(uint256 tokenId);

    /// @notice TAKE_PAIR or TAKE paying someone other than the treasury.
    error V4WithdrawalBoundsRecipientNotTreasury(address recipient);

    /// @notice The blob did not decode, or a read reverted without a reason.
    error V4WithdrawalBoundsCallFailed();

    /// @notice Roles v2's custom-condition entry point: never reverts; `(false, selector)` on any refusal.
    /// @param to The scoped call's target (must be the PositionManager).
    /// @param data The scoped call's full calldata.
    /// @param extra `uint96 maxDeadlineSec`.
    function check(
        address to,
        uint256 value,
        bytes calldata data,
        uint8 operation,
        uint256 location,
        uint256 size,
        bytes12 extra
    ) external view returns (bool success, bytes32 reason);

    /// @notice The same judgement as {check}, reverting with the refusal's error and arguments.
    function enforce(address to, bytes calldata data, bytes12 extra) external view;

    /// @notice The treasury (Safe) whose positions may be withdrawn and who must be paid.
    function treasury() external view returns (address);

    /// @notice The PositionManager whose calls are judged.
    function positionManager() external view returns (address);
}
