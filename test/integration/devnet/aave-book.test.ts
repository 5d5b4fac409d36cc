// The book with an Aave v3 hedge leg, indexed from the devnet's real Aave bytecode: the Safe's account read in the
// book's one block-pinned batch equals what Aave itself answers at that block, to the wei, and the engine's health
// factor and liquidation price are Aave's. One devnet, one test: the leg is opened once, a day of interest accrues.
import { type Address, erc20Abi } from "viem";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { AAVE_V3_DATA_PROVIDER_ABI, AAVE_V3_POOL_ABI } from "../../../src/chain/abis/aave-v3-abi.ts";
import { bookStatus, renderStatus } from "../../../src/cli/book-view.ts";
import { renderDevnetConfig } from "../../../src/cli/config-templates.ts";
import { bookParamsFromConfig, bookSourcesFromConfig } from "../../../src/config/adapters.ts";
import { parseConfig } from "../../../src/config/load-config.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount, devnetPrivateKey } from "../../../src/devnet/accounts.ts";
import { DEVNET_BOOK_ID } from "../../../src/devnet/devnet-config.ts";
import type { DevnetManifest } from "../../../src/devnet/manifest.ts";
import { openAaveBorrowShort, STARTING_AAVE_SHORT } from "../../../src/devnet/starting-book-aave.ts";
import { aaveAccountTotals, WAD } from "../../../src/engine/aave-borrow-short.ts";
import { evaluateBook } from "../../../src/engine/book-metrics.ts";
import { createBookIndexer } from "../../../src/indexers/book-indexer.ts";
import { useDevnet } from "../../support/devnet.ts";

const devnet = useDevnet();

/** The devnet's configuration with the book hedged on two legs: its perp, and Aave (USDC collateral). */
function configWithAaveLeg(manifest: DevnetManifest) {
  const aave = manifest.aave;
  if (!aave) throw new Error("the devnet manifest has no aave section");
  const tree = parseDocument(
    renderDevnetConfig(manifest, {
      hedgeGuard: "0x0000000000000000000000000000000000000000",
      hedgeBounds: "0x0000000000000000000000000000000000000000",
      v4WithdrawalBounds: "0x0000000000000000000000000000000000000000",
    }),
  ).toJS() as Record<string, any>;
  const book = tree.books[DEVNET_BOOK_ID];
  book.hedges = [
    book.hedge,
    {
      venue: "aave-v3-borrow",
      contracts: { pool: aave.pool, protocolDataProvider: aave.protocolDataProvider, oracle: aave.oracle },
      collateral: "USDC",
      healthFactor: { floor: 1.5, target: 1.8, ceiling: 2.5 },
      minLiquidationDistanceBps: 3000,
      swap: { fee: 500, maxSlippageBps: 30 },
      caps: { maxTradeUsd: 500_000, maxDebtUsd: 2_000_000, maxCollateralMoveUsd: 500_000 },
    },
  ];
  delete book.hedge;
  return parseConfig(JSON.stringify(tree), {
    source: "devnet configuration with an Aave leg",
    env: { HK_KEEPER_PRIVATE_KEY: devnetPrivateKey(DEVNET_ACCOUNT_INDEXES.keeper) },
  });
}

describe("a book hedged on Aave v3", () => {
  it("indexes the Safe's account at one block equal to Aave's own figures, and the engine's health factor is Aave's", async () => {
    const d = devnet();
    const { manifest, publicClient } = d;
    const aave = manifest.aave;
    if (!aave) throw new Error("the devnet manifest has no aave section");
    const safe = manifest.contracts.treasurySafe;
    const { usdc, weth } = manifest.contracts;
    await openAaveBorrowShort(d.client, {
      safe,
      signers: manifest.accounts.owners.slice(0, 2).map((owner) => devnetAccount(owner.index)),
      multiSendCallOnly: manifest.contracts.multiSendCallOnly,
      pool: aave.pool,
      usdc,
      weth,
    });
    // A day of interest: indexes, balances and the health factor move off their opening values.
    await d.client.testClient.increaseTime({ seconds: 86_400 });
    await d.client.testClient.mine({ blocks: 1 });
    // Uncached: viem keeps a block number for a few seconds, and this one must be the block just mined.
    const blockNumber = await publicClient.getBlockNumber({ cacheTime: 0 });

    const config = configWithAaveLeg(manifest);
    const sources = bookSourcesFromConfig(config, DEVNET_BOOK_ID);
    const params = bookParamsFromConfig(config, DEVNET_BOOK_ID);
    const indexed = await createBookIndexer(publicClient, sources).snapshotAt(blockNumber, {
      keeper: { hedgeTriggered: false, lastPlanAtSec: null },
      samples: [],
    });
    const { snapshot } = indexed;
    const account = snapshot.aave;
    if (!account) throw new Error("the snapshot has no Aave account");

    // Aave's own answers at the same block, read one by one outside the indexer's batch.
    const at = { blockNumber };
    const [collateralBase, debtBase, availableBase, thresholdBps, ltvBps, healthFactor] =
      await publicClient.readContract({
        address: aave.pool,
        abi: AAVE_V3_POOL_ABI,
        functionName: "getUserAccountData",
        args: [safe],
        ...at,
      });
    expect(account.accountData).toEqual({
      totalCollateralBase: collateralBase,
      totalDebtBase: debtBase,
      availableBorrowsBase: availableBase,
      currentLiquidationThresholdBps: Number(thresholdBps),
      ltvBps: Number(ltvBps),
      healthFactorWad: healthFactor,
    });
    expect(account.reserves.map((r) => r.asset.address)).toEqual([weth, usdc]);
    for (const reserve of account.reserves) {
      const asset: Address = reserve.asset.address;
      const user = await publicClient.readContract({
        address: aave.protocolDataProvider,
        abi: AAVE_V3_DATA_PROVIDER_ABI,
        functionName: "getUserReserveData",
        args: [asset, safe],
        ...at,
      });
      const data = await publicClient.readContract({
        address: aave.protocolDataProvider,
        abi: AAVE_V3_DATA_PROVIDER_ABI,
        functionName: "getReserveData",
        args: [asset],
        ...at,
      });
      expect(
        [reserve.aTokenBalance, reserve.variableDebt, reserve.scaledVariableDebt, reserve.usedAsCollateral],
        reserve.asset.symbol,
      ).toEqual([user[0], user[2], user[4], user[8]]);
      expect(
        [
          reserve.liquidityRateRay,
          reserve.variableBorrowRateRay,
          reserve.liquidityIndexRay,
          reserve.variableBorrowIndexRay,
        ],
        reserve.asset.symbol,
      ).toEqual([data[5], data[6], data[9], data[10]]);
    }
    // A day of interest moved the debt past what was borrowed.
    const wethReserve = account.reserves[0]!;
    const usdcReserve = account.reserves[1]!;
    expect(wethReserve.variableDebt).toBeGreaterThan(BigInt(STARTING_AAVE_SHORT.borrowWeth) * WAD);

    // The engine's account figures and health factor, recomputed from the per-reserve balances: Aave's, to the wei.
    const totals = aaveAccountTotals(account.reserves);
    expect([totals.totalCollateralBase, totals.totalDebtBase, totals.healthFactorWad]).toEqual([
      collateralBase,
      debtBase,
      healthFactor,
    ]);
    const metrics = evaluateBook(snapshot, params, snapshot.blockTimestampSec);
    expect(metrics.aave?.healthFactorWad).toBe(healthFactor);
    expect(metrics.hedgeLegs.map((leg) => leg.venue)).toEqual(["perp-v2", "aave-v3-borrow"]);
    expect(metrics.drift.hedgeDeltaBase).toBeCloseTo(
      metrics.hedgeLegs.reduce((sum, leg) => sum + leg.deltaBase, 0),
      12,
    );
    // The borrowed WETH the Safe still holds is spot, as exposure; the debt is the Aave leg's delta.
    const heldWeth = await publicClient.readContract({
      address: weth,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [safe],
      ...at,
    });
    expect(snapshot.spot.find((s) => s.token.address === weth)?.balance).toBe(heldWeth);
    expect(metrics.aave?.delta).toBeCloseTo(-Number(wethReserve.variableDebt) / 1e18, 12);

    // Independently: with USDC the only collateral, HF(p) = usdc × price × LT / (debt × p), so the liquidation price
    // is where that is 1.
    const usdcUsd = Number(usdcReserve.priceBase) / 1e8;
    const lt = usdcReserve.liquidationThresholdBps / 10_000;
    const debt = Number(wethReserve.variableDebt) / 1e18;
    const expectedLiquidationUsd = ((Number(usdcReserve.aTokenBalance) / 1e6) * usdcUsd * lt) / debt;
    const liquidation = metrics.aave?.liquidation;
    expect(liquidation?.direction).toBe("rise");
    expect(Math.abs((liquidation?.priceUsd ?? 0) - expectedLiquidationUsd)).toBeLessThan(1e-6);
    const ethUsd = Number(wethReserve.priceBase) / 1e8;
    expect(Number(healthFactor) / 1e18).toBeCloseTo(expectedLiquidationUsd / ethUsd, 9);

    // `hedgekeeper status` (and --json) shows the leg: its health factor is Aave's.
    const view = { bookId: DEVNET_BOOK_ID, mode: "execute" as const, params, indexed, snapshot, nowSec: 0 };
    const status = bookStatus(view, metrics);
    expect(status.hedgeLegs[1]).toMatchObject({
      venue: "aave-v3-borrow",
      healthFactor: Number(healthFactor) / 1e18,
      liquidationPriceUsd: liquidation?.priceUsd,
    });
    expect(renderStatus(status, "not running")).toMatch(/aave -60\.\d{4} base, health factor 1\.\d{3}/);
  });
});
