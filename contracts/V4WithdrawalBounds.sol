// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IV4WithdrawalBounds} from "./interfaces/IV4WithdrawalBounds.sol";

/// @title V4WithdrawalBounds
/// @notice Zodiac Roles v2 custom condition allowing a treasury's keeper only to withdraw the treasury's own
/// Uniswap v4 liquidity to the treasury. See {IV4WithdrawalBounds}.
contract V4WithdrawalBounds is IV4WithdrawalBounds {
    /// @dev v4-periphery libraries/Actions.sol.
    uint8 private constant DECREASE_LIQUIDITY = 0x01;
    uint8 private constant TAKE = 0x0e;
    uint8 private constant TAKE_PAIR = 0x11;
    uint8 private constant CLOSE_CURRENCY = 0x12;
    /// @dev v4-periphery libraries/ActionConstants.sol: a recipient that means "the caller".
    address private constant MSG_SENDER = address(1);
    /// @dev PositionManager.modifyLiquidities(bytes unlockData, uint256 deadline).
    bytes4 private constant MODIFY_LIQUIDITIES = bytes4(keccak256("modifyLiquidities(bytes,uint256)"));

    address private immutable _treasury;
    address private immutable _positionManager;

    /// @param treasury_ The Safe whose positions may be withdrawn, and who must be paid.
    /// @param positionManager_ Uniswap v4's PositionManager.
    constructor(address treasury_, address positionManager_) {
        if (treasury_ == address(0) || positionManager_ == address(0)) revert V4WithdrawalBoundsZeroAddress();
        _treasury = treasury_;
        _positionManager = positionManager_;
    }

    /// @inheritdoc IV4WithdrawalBounds
    function check(address to, uint256, bytes calldata data, uint8, uint256, uint256, bytes12 extra)
        external
        view
        returns (bool success, bytes32 reason)
    {
        // As HedgeBounds: Roles expects an answer, not a revert, so every refusal (and every failing decode or
        // read) becomes `false` with the error's selector.
        try this.enforce(to, data, extra) {
            return (true, 0);
        } catch (bytes memory err) {
            if (err.length < 4) return (false, bytes32(V4WithdrawalBoundsCallFailed.selector));
            return (false, bytes32(bytes4(err)));
        }
    }

    /// @inheritdoc IV4WithdrawalBounds
    function enforce(address to, bytes calldata data, bytes12 extra) external view {
        if (to != _positionManager) revert V4WithdrawalBoundsWrongTarget(to);
        if (data.length < 4 || bytes4(data) != MODIFY_LIQUIDITIES) {
            revert V4WithdrawalBoundsUnsupportedCall(bytes4(data));
        }
        uint256 maxDeadlineSec = uint96(extra);
        if (maxDeadlineSec == 0) revert V4WithdrawalBoundsNoDeadlineBound();
        (bytes memory unlockData, uint256 deadline) = abi.decode(data[4:], (bytes, uint256));
        if (deadline > block.timestamp + maxDeadlineSec) {
            revert V4WithdrawalBoundsDeadlineTooFar(deadline, block.timestamp + maxDeadlineSec);
        }
        (bytes memory actions, bytes[] memory params) = abi.decode(unlockData, (bytes, bytes[]));
        if (actions.length != params.length) revert V4WithdrawalBoundsLengthMismatch(actions.length, params.length);
        for (uint256 i = 0; i < actions.length; ++i) {
            uint8 action = uint8(actions[i]);
            if (action == DECREASE_LIQUIDITY) {
                _enforceDecrease(params[i]);
            } else if (action == TAKE_PAIR) {
                (,, address recipient) = abi.decode(params[i], (address, address, address));
                _requireTreasury(recipient);
            } else if (action == TAKE) {
                (, address recipient,) = abi.decode(params[i], (address, address, uint256));
                _requireTreasury(recipient);
            } else if (action != CLOSE_CURRENCY) {
                revert V4WithdrawalBoundsActionNotAllowed(i, action);
            }
        }
    }

    /// @inheritdoc IV4WithdrawalBounds
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IV4WithdrawalBounds
    function positionManager() external view returns (address) {
        return _positionManager;
    }

    /// @dev DECREASE_LIQUIDITY params: (tokenId, liquidity, amount0Min, amount1Min, hookData).
    function _enforceDecrease(bytes memory params) private view {
        (uint256 tokenId,,,, bytes memory hookData) = abi.decode(params, (uint256, uint256, uint128, uint128, bytes));
        // ownerOf reverts for a burned or never-minted token (solmate's NOT_MINTED): not the treasury's.
        address owner = _ownerOrZero(tokenId);
        if (owner != _treasury) revert V4WithdrawalBoundsNotTreasuryPosition(tokenId, owner);
        if (hookData.length != 0) revert V4WithdrawalBoundsHookData(tokenId);
    }

    function _ownerOrZero(uint256 tokenId) private view returns (address) {
        try IERC721(_positionManager).ownerOf(tokenId) returns (address current) {
            return current;
        } catch {
            return address(0);
        }
    }

    function _requireTreasury(address recipient) private view {
        if (recipient != _treasury && recipient != MSG_SENDER) revert V4WithdrawalBoundsRecipientNotTreasury(recipient);
    }
}
