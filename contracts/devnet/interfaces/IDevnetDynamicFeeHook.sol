// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {PoolKey} from "@uniswap/v4-core/src/types/PoolKey.sol";
import {PoolId} from "@uniswap/v4-core/src/types/PoolId.sol";

/// @title IDevnetDynamicFeeHook
/// @notice DEVNET ONLY: a Uniswap v4 hook that gives dynamic-fee pools their LP fee. Nothing like it runs on
/// mainnet; the devnet uses it to give the treasury a position in a hooked pool whose fee is not in its key.
/// @dev The hook has one permission, afterInitialize (bit 12 of its address). It sets the starting LP fee right
/// after a pool initializes, and its fee setter may change the fee later. The PoolManager stores the fee in the
/// pool's slot0, so readers find the current fee there, never in the pool key (which holds the dynamic-fee flag).
interface IDevnetDynamicFeeHook {
    /// @notice The caller is not the PoolManager.
    error DevnetDynamicFeeHookNotPoolManager(address caller);

    /// @notice The caller is not the fee setter.
    error DevnetDynamicFeeHookUnauthorized(address caller);

    /// @notice The pool's key has a static fee: only a dynamic-fee pool can take its fee from this hook.
    error DevnetDynamicFeeHookStaticFee(uint24 fee);

    /// @notice The pool's LP fee was set through the PoolManager.
    /// @param poolId The pool.
    /// @param lpFee The new LP fee, in hundredths of a bip (3000 = 0.30%).
    event DynamicLpFeeSet(PoolId indexed poolId, uint24 lpFee);

    /// @notice Called by the PoolManager after a pool with this hook initializes: sets its starting LP fee.
    /// @param sender The account that initialized the pool.
    /// @param key The pool's key; its fee must carry the dynamic-fee flag.
    /// @param sqrtPriceX96 The starting price.
    /// @param tick The starting tick.
    /// @return The selector the PoolManager expects back.
    function afterInitialize(address sender, PoolKey calldata key, uint160 sqrtPriceX96, int24 tick)
        external
        returns (bytes4);

    /// @notice Sets the LP fee of a pool that uses this hook. Only the fee setter.
    /// @param key The pool's key.
    /// @param lpFee The new LP fee, in hundredths of a bip, at most 1,000,000.
    function setLpFee(PoolKey calldata key, uint24 lpFee) external;

    /// @notice The PoolManager this hook serves.
    function poolManager() external view returns (address);

    /// @notice The only account that may change a pool's LP fee.
    function feeSetter() external view returns (address);

    /// @notice The LP fee every pool starts with, in hundredths of a bip.
    function initialLpFee() external view returns (uint24);
}
