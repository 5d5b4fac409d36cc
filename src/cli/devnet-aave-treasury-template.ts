// The devnet configuration's second treasury and its book, when the devnet has one (src/devnet/aave-treasury.ts):
// the first treasury's entry (network, keeper, guardian, deleverager, permissions but the v4 withdrawal, bounds) with the Aave Safe, its
// Roles modifier and its own HedgeGuard and HedgeBounds; and a book of spot WETH hedged by an Aave v3 borrow short
// alone, with the first book's policy otherwise. Added to the rendered file, so a devnet without it renders as before.
import { type Document, parseDocument, type YAMLMap } from "yaml";
import type { DevnetManifest } from "../devnet/manifest.ts";

export const DEVNET_AAVE_TREASURY_ID = "devnet-aave-treasury";
export const DEVNET_AAVE_BOOK_ID = "treasury-eth-aave";

export interface AaveTreasuryContracts {
  hedgeGuard: string;
  hedgeBounds: string;
}

/**
 * The Aave book's health-factor band. The starting book sits at the target (1.20: ETH may rise 20% before
 * liquidation); under the floor or with ETH within 10% of liquidation the keeper's urgent lane restores it.
 */
export const DEVNET_AAVE_HEALTH_FACTOR = { floor: 1.1, target: 1.2, ceiling: 2.5 } as const;
export const DEVNET_AAVE_MIN_LIQUIDATION_DISTANCE_BPS = 1_000;

export function withAaveTreasury(
  text: string,
  manifest: DevnetManifest,
  contracts: AaveTreasuryContracts | undefined,
): string {
  const treasury = manifest.aaveTreasury;
  const aave = manifest.aave;
  if (treasury === undefined || aave === undefined) return text;
  const document = parseDocument(text);
  const entry = (document.getIn(["treasuries", "devnet-treasury"]) as YAMLMap).clone() as YAMLMap;
  entry.set("safe", treasury.safe);
  entry.set("roles", treasury.roles);
  entry.set("hedgeGuard", contracts?.hedgeGuard ?? "${HK_AAVE_HEDGE_GUARD}");
  entry.set("hedgeBounds", contracts?.hedgeBounds ?? "${HK_AAVE_HEDGE_BOUNDS}");
  // The v4 positions are the first Safe's: this treasury's keeper is hired without the v4 withdrawal (setUpDevnetKeeper).
  entry.deleteIn(["permissions", "uniswapV4Withdrawals"]);
  entry.commentBefore =
    " The Aave treasury: its own Safe and Roles modifier, the same keeper, guardian and scope.";
  document.setIn(["treasuries", DEVNET_AAVE_TREASURY_ID], entry);

  const book = (document.getIn(["books", "treasury-eth"]) as YAMLMap).clone() as YAMLMap;
  book.set("treasury", DEVNET_AAVE_TREASURY_ID);
  // Positions as the first book's: the same pools read (de-peg sources, the pool price), no LP NFT in this Safe.
  book.delete("hedge");
  setFromJs(document, book, "hedges", [
    {
      venue: "aave-v3-borrow",
      contracts: { pool: aave.pool, protocolDataProvider: aave.protocolDataProvider, oracle: aave.oracle },
      collateral: "USDC",
      healthFactor: { ...DEVNET_AAVE_HEALTH_FACTOR },
      minLiquidationDistanceBps: DEVNET_AAVE_MIN_LIQUIDATION_DISTANCE_BPS,
      swap: { fee: manifest.pools.usdcWeth500.fee, maxSlippageBps: 30 },
      caps: { maxTradeUsd: 250_000, maxDebtUsd: 1_000_000, maxCollateralMoveUsd: 500_000 },
    },
  ]);
  // Spot WETH against a short: no LP convexity, so the drift moves only when the legs do; a wider band than the
  // LP book's keeps a repay (which shrinks spot and debt together) from arming a trade at once.
  setFromJs(document, book, "thresholds", { armBps: 150, rearmBps: 50 });
  book.commentBefore = " Spot WETH hedged by an Aave v3 borrow short alone (src/devnet/aave-treasury.ts).";
  document.setIn(["books", DEVNET_AAVE_BOOK_ID], book);
  return document.toString();
}

function setFromJs(document: Document, map: YAMLMap, key: string, value: unknown): void {
  map.set(key, document.createNode(value, { flow: false }));
}
