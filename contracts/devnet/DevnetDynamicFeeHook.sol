// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {IPoolManager} from "@uniswap/v4-core/src/interfaces/IPoolManager.sol";
import {IHooks} from "@uniswap/v4-core/src/interfaces/IHooks.sol";
import {Hooks} from "@uniswap/v4-core/src/libraries/Hooks.sol";
import {LPFeeLibrary} from "@uniswap/v4-core/src/libraries/LPFeeLibrary.sol";
import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {PoolIdLibrary} from "@uniswap/v4-core/src/types/PoolId.sol";
import {IDevnetDynamicFeeHook} from "./interfaces/IDevnetDynamicFeeHook.sol";

/// @title DevnetDynamicFeeHook
/// @notice DEVNET ONLY. See {IDevnetDynamicFeeHook}. The PoolManager reads a hook's permissions from the low 14
/// bits of its address, so the devnet deploys it with CREATE2 at a salt mined for exactly the afterInitialize bit;
/// the constructor refuses any other address. All its settings are immutables: it keeps no storage of its own.
contract DevnetDynamicFeeHook is IDevnetDynamicFeeHook {
    using LPFeeLibrary for uint24;
    using PoolIdLibrary for PoolKey;

    IPoolManager private immutable _poolManager;
    address private immutable _feeSetter;
    uint24 private immutable _initialLpFee;

    /// @param poolManager_ The Uniswap v4 PoolManager.
    /// @param feeSetter_ The account allowed to change LP fees.
    /// @param initialLpFee_ The LP fee pools start with, in hundredths of a bip.
    constructor(IPoolManager poolManager_, address feeSetter_, uint24 initialLpFee_) {
        initialLpFee_.validate();
        Hooks.validateHookPermissions(
            IHooks(address(this)),
            Hooks.Permissions({
                beforeInitialize: false,
                afterInitialize: true,
                beforeAddLiquidity: false,
                afterAddLiquidity: false,
                beforeRemoveLiquidity: false,
                afterRemoveLiquidity: false,
                beforeSwap: false,
                afterSwap: false,
                beforeDonate: false,
                afterDonate: false,
                beforeSwapReturnDelta: false,
                afterSwapReturnDelta: false,
                afterAddLiquidityReturnDelta: false,
                afterRemoveLiquidityReturnDelta: false
            })
        );
        _poolManager = poolManager_;
        _feeSetter = feeSetter_;
        _initialLpFee = initialLpFee_;
    }

    /// @inheritdoc IDevnetDynamicFeeHook
    function afterInitialize(address, PoolKey calldata key, uint160, int24) external returns (bytes4) {
        if (msg.sender != address(_poolManager)) revert DevnetDynamicFeeHookNotPoolManager(msg.sender);
        if (!key.fee.isDynamicFee()) revert DevnetDynamicFeeHookStaticFee(key.fee);
        _poolManager.updateDynamicLPFee(key, _initialLpFee);
        emit DynamicLpFeeSet(key.toId(), _initialLpFee);
        return IHooks.afterInitialize.selector;
    }

    /// @inheritdoc IDevnetDynamicFeeHook
    function setLpFee(PoolKey calldata key, uint24 lpFee) external {
        if (msg.sender != _feeSetter) revert DevnetDynamicFeeHookUnauthorized(msg.sender);
        _poolManager.updateDynamicLPFee(key, lpFee);
        emit DynamicLpFeeSet(key.toId(), lpFee);
    }

    /// @inheritdoc IDevnetDynamicFeeHook
    function poolManager() external view returns (address) {
        return address(_poolManager);
    }

    /// @inheritdoc IDevnetDynamicFeeHook
    function feeSetter() external view returns (address) {
        return _feeSetter;
    }

    /// @inheritdoc IDevnetDynamicFeeHook
    function initialLpFee() external view returns (uint24) {
        return _initialLpFee;
    }
}
