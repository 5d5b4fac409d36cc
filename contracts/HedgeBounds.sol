// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {AggregatorV3Interface} from "@chainlink/contracts/src/v0.8/shared/interfaces/AggregatorV3Interface.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {SignedMath} from "@openzeppelin/contracts/utils/math/SignedMath.sol";
import {IHedgeBounds} from "./interfaces/IHedgeBounds.sol";
import {INonfungiblePositionManager} from "./interfaces/INonfungiblePositionManager.sol";
import {IPerpClearingHouse} from "./interfaces/IPerpClearingHouse.sol";
import {IPerpPositionSource} from "./interfaces/IPerpPositionSource.sol";
import {IPerpVault} from "./interfaces/IPerpVault.sol";
import {IUniswapV3Factory} from "./interfaces/IUniswapV3Factory.sol";
import {IUniswapV3Pool} from "./interfaces/IUniswapV3Pool.sol";
import {IUniswapV3SwapRouter} from "./interfaces/IUniswapV3SwapRouter.sol";
import {OracleBounds} from "./libraries/OracleBounds.sol";

/// @title HedgeBounds
/// @notice Zodiac Roles v2 custom condition bounding a treasury's venue calls by oracle prices and size ceilings.
/// See {IHedgeBounds}.
contract HedgeBounds is IHedgeBounds, Ownable2Step {
    /// @dev Above this, `10 ** (feedDecimals + tokenDecimals)` leaves the domain OracleBounds is exact on.
    uint8 private constant MAX_DECIMALS = 18;

    address private immutable _treasury;
    IPerpPositionSource private immutable _positionSource;
    mapping(address token => PriceSource) private _priceSources;

    /// @param initialOwner The treasury Safe: the only account that may set price sources.
    /// @param treasury_ The Safe whose positions and balances are judged.
    /// @param positionSource_ The perp venue's position reader (Perpetual Protocol v2: AccountBalance).
    constructor(address initialOwner, address treasury_, address positionSource_) Ownable(initialOwner) {
        if (treasury_ == address(0) || positionSource_ == address(0)) revert HedgeBoundsZeroAddress();
        _treasury = treasury_;
        _positionSource = IPerpPositionSource(positionSource_);
    }

    /// @inheritdoc IHedgeBounds
    function check(address to, uint256, bytes calldata data, uint8, uint256, uint256, bytes12 extra)
        external
        view
        returns (bool success, bytes32 reason)
    {
        // Roles expects an answer, not a revert: a revert would escape its condition evaluation (an `Or` branch
        // could not fall through to the next, and the refusal would not surface as its ConditionViolation). So
        // every refusal, and every failing read, becomes `false` with the error's selector.
        try this.enforce(to, data, extra) {
            return (true, 0);
        } catch (bytes memory err) {
            if (err.length < 4) return (false, bytes32(HedgeBoundsCallFailed.selector));
            return (false, bytes32(bytes4(err)));
        }
    }

    /// @inheritdoc IHedgeBounds
    function enforce(address to, bytes calldata data, bytes12 extra) external view {
        (uint256 maxSlippageBps, uint256 ceilingWholeUnits) = OracleBounds.decodeExtra(extra);
        if (maxSlippageBps >= OracleBounds.BPS) revert HedgeBoundsSlippageTooHigh(maxSlippageBps);
        bytes4 selector = bytes4(data);
        // Most frequent first: the perp rebalance is the call whose gas budget is tight.
        if (selector == IPerpClearingHouse.openPosition.selector) {
            _enforceOpenPosition(data, maxSlippageBps, ceilingWholeUnits);
        } else if (selector == IUniswapV3SwapRouter.exactInputSingle.selector) {
            _enforceExactInputSingle(data, maxSlippageBps);
        } else if (selector == IPerpVault.deposit.selector) {
            _enforceDeposit(IPerpVault(to), data, ceilingWholeUnits);
        } else if (selector == INonfungiblePositionManager.decreaseLiquidity.selector) {
            _enforceDecreaseLiquidity(INonfungiblePositionManager(to), data, maxSlippageBps);
        } else {
            revert HedgeBoundsUnsupportedCall(selector);
        }
    }

    /// @inheritdoc IHedgeBounds
    function setPriceSource(address token, PriceSource calldata source) external onlyOwner {
        if (token == address(0)) revert HedgeBoundsZeroAddress();
        if (source.feed == address(0)) {
            delete _priceSources[token];
            emit PriceSourceSet(token, address(0), 0, 0, 0);
            return;
        }
        if (source.heartbeatSec == 0) revert HedgeBoundsHeartbeatZero(token);
        _requireDecimals(source.feed, source.feedDecimals, AggregatorV3Interface(source.feed).decimals());
        _requireDecimals(token, source.tokenDecimals, IERC20Metadata(token).decimals());
        _priceSources[token] = source;
        emit PriceSourceSet(token, source.feed, source.heartbeatSec, source.feedDecimals, source.tokenDecimals);
    }

    /// @inheritdoc IHedgeBounds
    function priceSource(address token) external view returns (PriceSource memory) {
        return _priceSources[token];
    }

    /// @inheritdoc IHedgeBounds
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc IHedgeBounds
    function positionSource() external view returns (address) {
        return address(_positionSource);
    }

    function _enforceOpenPosition(bytes calldata data, uint256 maxSlippageBps, uint256 ceilingWholeUnits)
        private
        view
    {
        IPerpClearingHouse.OpenPositionParams memory params =
            abi.decode(data[4:], (IPerpClearingHouse.OpenPositionParams));
        // Perp v2: `amount` is in the input token when exact input. Selling base exact-in or buying base exact-out
        // is the only pairing in which `amount` is base; otherwise the base moved is set by the pool.
        if (params.isExactInput != params.isBaseToQuote) revert HedgeBoundsQuoteDenominatedTrade();

        (uint256 price, uint256 decimals, uint256 tokenDecimals) = _freshPrice(params.baseToken);
        if (params.isBaseToQuote) {
            uint256 minOut = OracleBounds.minQuoteOut(params.amount, price, decimals, maxSlippageBps);
            if (params.oppositeAmountBound < minOut) {
                revert HedgeBoundsPerpBoundBeyondOracle(params.baseToken, true, params.oppositeAmountBound, minOut);
            }
        } else {
            // A zero maximum is Perp's "no bound": refused as unbounded.
            uint256 maxIn = OracleBounds.maxQuoteIn(params.amount, price, decimals, maxSlippageBps);
            if (params.oppositeAmountBound == 0 || params.oppositeAmountBound > maxIn) {
                revert HedgeBoundsPerpBoundBeyondOracle(params.baseToken, false, params.oppositeAmountBound, maxIn);
            }
        }

        int256 sizeBefore = _positionSource.getTakerPositionSize(_treasury, params.baseToken);
        int256 amount = SafeCast.toInt256(params.amount);
        int256 sizeAfter = params.isBaseToQuote ? sizeBefore - amount : sizeBefore + amount;
        uint256 ceiling = ceilingWholeUnits * 10 ** tokenDecimals;
        // A trade that leaves the position no larger than it was is always allowed, so a position above a lowered
        // ceiling can still be reduced.
        if (SignedMath.abs(sizeAfter) > Math.max(ceiling, SignedMath.abs(sizeBefore))) {
            revert HedgeBoundsPositionAboveCeiling(params.baseToken, sizeAfter, ceiling);
        }
    }

    function _enforceExactInputSingle(bytes calldata data, uint256 maxSlippageBps) private view {
        IUniswapV3SwapRouter.ExactInputSingleParams memory params =
            abi.decode(data[4:], (IUniswapV3SwapRouter.ExactInputSingleParams));
        (uint256 priceIn, uint256 decimalsIn,) = _freshPrice(params.tokenIn);
        (uint256 priceOut, uint256 decimalsOut,) = _freshPrice(params.tokenOut);
        uint256 oracleMinimum =
            OracleBounds.minAmountOut(params.amountIn, priceIn, decimalsIn, priceOut, decimalsOut, maxSlippageBps);
        if (params.amountOutMinimum < oracleMinimum) {
            revert HedgeBoundsMinOutBelowOracle(
                params.tokenIn, params.tokenOut, params.amountOutMinimum, oracleMinimum
            );
        }
    }

    function _enforceDeposit(IPerpVault vault, bytes calldata data, uint256 ceilingWholeUnits) private view {
        (address token, uint256 amount) = abi.decode(data[4:], (address, uint256));
        PriceSource storage source = _priceSources[token];
        if (source.feed == address(0)) revert HedgeBoundsNoPriceSource(token);
        // A negative balance (losses settled in the settlement token) is no collateral at all.
        int256 balance = vault.getBalanceByToken(_treasury, token);
        uint256 balanceAfter = (balance > 0 ? uint256(balance) : 0) + amount;
        uint256 ceiling = ceilingWholeUnits * 10 ** source.tokenDecimals;
        if (balanceAfter > ceiling) revert HedgeBoundsCollateralAboveCeiling(token, balanceAfter, ceiling);
    }

    function _enforceDecreaseLiquidity(
        INonfungiblePositionManager manager,
        bytes calldata data,
        uint256 maxSlippageBps
    ) private view {
        // Only the position id matters: what the removal pays is set by the pool price when it runs (a sandwich
        // moves that price), so that price is what is bounded.
        uint256 tokenId = abi.decode(data[4:], (INonfungiblePositionManager.DecreaseLiquidityParams)).tokenId;
        (,, address token0, address token1, uint24 fee,,,,,,,) = manager.positions(tokenId);
        address pool = IUniswapV3Factory(manager.factory()).getPool(token0, token1, fee);
        (uint160 sqrtPriceX96,,,,,,) = IUniswapV3Pool(pool).slot0();

        (uint256 price0, uint256 decimals0,) = _freshPrice(token0);
        (uint256 price1, uint256 decimals1,) = _freshPrice(token1);
        uint256 poolPriceX128 = OracleBounds.poolPriceX128(sqrtPriceX96);
        uint256 oraclePriceX128 = OracleBounds.oraclePriceX128(price0, decimals0, price1, decimals1);
        if (!OracleBounds.withinBand(poolPriceX128, oraclePriceX128, maxSlippageBps)) {
            revert HedgeBoundsPoolOffOracle(pool, poolPriceX128, oraclePriceX128);
        }
    }

    /// @dev The token's USD answer and its decimals (feed + token, as OracleBounds takes them, and the token's own).
    /// Chainlink's guidance: use an answer only if positive and younger than the feed's heartbeat (set by the
    /// owner, never by the caller); `answeredInRound` is deprecated and not consulted.
    function _freshPrice(address token)
        private
        view
        returns (uint256 answer, uint256 decimals, uint256 tokenDecimals)
    {
        PriceSource memory source = _priceSources[token];
        if (source.feed == address(0)) revert HedgeBoundsNoPriceSource(token);
        (, int256 signedAnswer,, uint256 updatedAt,) = AggregatorV3Interface(source.feed).latestRoundData();
        if (signedAnswer <= 0) revert HedgeBoundsOracleInvalidAnswer(source.feed, signedAnswer);
        if (updatedAt + source.heartbeatSec < block.timestamp) {
            revert HedgeBoundsOracleStale(source.feed, updatedAt, source.heartbeatSec);
        }
        return (uint256(signedAnswer), uint256(source.feedDecimals) + source.tokenDecimals, source.tokenDecimals);
    }

    /// @dev Decimals are stored, not read at check time (gas), so they are verified once here against the source.
    function _requireDecimals(address source, uint8 configured, uint8 actual) private pure {
        if (configured != actual) revert HedgeBoundsDecimalsMismatch(source, configured, actual);
        if (configured > MAX_DECIMALS) revert HedgeBoundsDecimalsUnsupported(source, configured);
    }
}
