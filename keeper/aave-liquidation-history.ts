// An Aave LiquidationCall against a book's Safe as the history records it (migration 7) and the alert pages it:
// the event's amounts valued at the Aave oracle's prices in the snapshot that found it (the block the keeper read,
// the liquidation's own block when the keeper reads every block). Pure.
//   collateral seized (USD) = liquidatedCollateralAmount · price_c / 10^dec_c / BASE_CURRENCY_UNIT
//   debt covered (USD)      = debtToCover · price_d / 10^dec_d / BASE_CURRENCY_UNIT
//   protocol fee (units)    Aave takes C_t = debt value · b of collateral (b = the collateral's liquidationBonus),
//                           its treasury f of the bonus part: fee = f · C_t · (1 − 1/b), and the liquidator the
//                           rest, the event's C_l = C_t − fee. So fee = C_l · f·(b − 1) / (b − f·(b − 1))
//                           (LiquidationLogic._calculateAvailableCollateralToLiquidate; exact up to its rounding)
//   bonus (USD)             = seized + protocol fee − covered: what the Safe lost beyond the debt repaid for it
import type { AaveAccountSnapshot, BookSnapshot } from "../src/engine/snapshot.ts";
import type { AaveLiquidationFound } from "../src/indexers/aave-liquidations.ts";
import type { AaveLiquidationHistory } from "../src/store/history-store.ts";

export function aaveLiquidationHistoryOf(
  chainId: number,
  snapshot: BookSnapshot,
  event: AaveLiquidationFound,
): AaveLiquidationHistory {
  const aave = snapshot.aave;
  if (aave === undefined)
    throw new TypeError(`book ${snapshot.bookId}: a LiquidationCall was read for a book without an Aave leg`);
  const collateral = reserveOf(aave, event.collateralAsset, snapshot.bookId);
  const debt = reserveOf(aave, event.debtAsset, snapshot.bookId);
  const usd = (reserve: typeof collateral, units: bigint) =>
    (Number(units) / 10 ** reserve.asset.decimals) *
    (Number(reserve.priceBase) / Number(aave.baseCurrencyUnit));
  const collateralSeizedUsd = usd(collateral, event.collateralSeized);
  const debtCoveredUsd = usd(debt, event.debtCovered);
  const bonus = BigInt(collateral.liquidationBonusBps); // 10_000 + the bonus, bps
  const feeShare = BigInt(event.collateralProtocolFeeBps) * (bonus - 10_000n);
  const protocolFee = (event.collateralSeized * feeShare) / (bonus * 10_000n - feeShare);
  const protocolFeeUsd = usd(collateral, protocolFee);
  const debtIsBase = event.debtAsset.toLowerCase() === snapshot.base.address.toLowerCase();
  return {
    chainId,
    bookId: snapshot.bookId,
    blockNumber: event.blockNumber,
    txHash: event.transactionHash,
    logIndex: event.logIndex,
    timestampSec: snapshot.blockTimestampSec,
    account: event.user,
    liquidator: event.liquidator,
    collateralAsset: event.collateralAsset,
    collateralSymbol: collateral.asset.symbol,
    collateralSeized: event.collateralSeized,
    collateralSeizedUsd,
    protocolFee,
    protocolFeeUsd,
    debtAsset: event.debtAsset,
    debtSymbol: debt.asset.symbol,
    debtCovered: event.debtCovered,
    debtCoveredUsd,
    debtCoveredBase: debtIsBase ? Number(event.debtCovered) / 10 ** debt.asset.decimals : 0,
    bonusUsd: collateralSeizedUsd + protocolFeeUsd - debtCoveredUsd,
  };
}

function reserveOf(aave: AaveAccountSnapshot, asset: string, bookId: string) {
  const reserve = aave.reserves.find((r) => r.asset.address.toLowerCase() === asset.toLowerCase());
  if (reserve === undefined)
    throw new TypeError(
      `book ${bookId}: a LiquidationCall names reserve ${asset}, which the book's Aave leg does not read (add it to its assets)`,
    );
  return reserve;
}
