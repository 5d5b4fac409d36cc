// The steward dashboard as a steward sees it: the built page (dashboard/dist) in the machine's Chromium, served
// by the API over a real PGlite history store seeded through the store's own write methods.
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../src/api/api-server.ts";
import { DASHBOARD_DIST_DIR } from "../../src/api/dashboard-dir.ts";
import type { KeeperHealth } from "../../src/metrics/metrics.ts";
import type { HistoryStore } from "../../src/store/history-store.ts";
import { openHistoryStore } from "../../src/store/open-history-store.ts";
import {
  bookDetail,
  bookStatus,
  CHAIN_ID,
  historySample,
  type SeededHistory,
  STRESS_ROWS,
  seedHistory,
} from "../integration/api/history-fixture.ts";
import { hasHorizontalOverflow, launchChromium, type PageGlobals, withPage } from "../support/browser.ts";

const TOKEN = "browser-suite-token-81f0";

function keeperHealth(): KeeperHealth {
  const now = Math.floor(Date.now() / 1000);
  return {
    heartbeatAtSec: now - 2,
    queues: [
      { name: "evaluate", depth: 1, lagSec: 0.4 },
      { name: "broadcast", depth: 0, lagSec: 0 },
    ],
    signers: [{ address: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", balanceEth: 9.87 }],
    lastSuccessAtSec: { snapshot: now - 2, execution: now - 40 },
  };
}

/** The text of each `fact-<key>` on the page, keyed by `<key>`. */
async function facts(page: Page, keys: readonly string[]): Promise<Record<string, string | null>> {
  const entries = await Promise.all(
    keys.map(async (key) => [key, await page.getByTestId(`fact-${key}`).textContent()] as const),
  );
  return Object.fromEntries(entries);
}

function effectivenessCells(page: Page, samples: number): Promise<string[]> {
  return page.getByTestId(`effectiveness-window-${samples}`).locator("td").allTextContents();
}

describe("the steward dashboard in Chromium", () => {
  let store: HistoryStore;
  let seeded: SeededHistory;
  let api: ApiServer;
  let browser: Browser;

  beforeAll(async () => {
    store = await openHistoryStore({ dataDir: "memory://" });
    seeded = await seedHistory(store);
    api = await startApiServer({
      store,
      host: "127.0.0.1",
      port: 0,
      dashboardDir: DASHBOARD_DIST_DIR,
      keeperHealth: async () => keeperHealth(),
      events: { pollMs: 250 },
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await store?.close();
  });

  it("shows each book's drift against its band, the de-peg panel, keeper health and the actions log", async () => {
    await withPage(
      api.url,
      async ({ page, errors, screenshot }) => {
        await page.getByTestId("book-row-eth-usdc").waitFor();
        const firstDataMs = await page.evaluate(() => performance.now());
        expect(firstDataMs).toBeLessThan(5000);

        expect(await page.getByTestId("book-drift-eth-usdc").textContent()).toBe("+120 bps");
        expect(await page.getByTestId("book-drift-wbtc-usdc").textContent()).toBe("-640 bps");
        expect(await page.getByTestId("book-band-eth-usdc").textContent()).toContain("±500 bps · inside");
        expect(await page.getByTestId("book-row-eth-usdc").getAttribute("class")).toContain("colour-green");
        expect(await page.getByTestId("book-row-wbtc-usdc").getAttribute("class")).toContain("colour-red");
        expect(await page.getByTestId("book-hedge-eth-usdc").textContent()).toBe("0.99 / 1.00");
        expect(await page.getByTestId("book-effectiveness-eth-usdc").textContent()).toBe("93.0%");
        // What the figure is: Ederington against the book's target, over the longest window measured.
        expect(await page.getByTestId("book-effectiveness-eth-usdc").getAttribute("title")).toBe(
          "Variance removed against the 1.00 target, over the 1d window",
        );
        expect(await page.getByTestId("book-block-eth-usdc").textContent()).toMatch(/^#1,029 /);

        const action = page.getByTestId(`action-row-${seeded.planId}`);
        await action.waitFor();
        const actionText = (await action.textContent()) ?? "";
        expect(actionText).toContain("routine");
        expect(actionText).toContain("mined");
        expect(actionText).toContain("0x0000…ef02");
        expect(actionText).toContain("187,654");
        expect(await page.getByTestId(`action-slippage-${seeded.planId}`).textContent()).toContain("+14 bps");

        expect(await page.getByTestId("depeg-price-USDC").textContent()).toBe("$0.9940");
        expect(await page.getByTestId("depeg-deviation-USDC").textContent()).toBe("-60 bps");
        await page.getByTestId("keeper-heartbeat").waitFor();
        expect(await page.getByTestId("queue-evaluate").textContent()).toContain("evaluate");
        await page.getByTestId("alert-row-drift:wbtc-usdc").waitFor();
        // Alert text is shown as text, never parsed as markup.
        expect(await page.getByTestId("alert-row-depeg:USDC").locator("p").textContent()).toBe(
          "<b>not markup</b>",
        );
        await page.getByTestId("stress-eth-usdc").waitFor({ state: "attached" });

        await screenshot("overview-desktop");
        expect(errors).toEqual([]);
      },
      { browser },
    );
  });

  it("opens a book with its charts and stress table", async () => {
    await withPage(
      `${api.url}/#/book/eth-usdc`,
      async ({ page, errors, screenshot }) => {
        await page.getByTestId("chart-drift").locator("svg path.line").first().waitFor();
        for (const chart of [
          "chart-drift",
          "chart-il",
          "chart-hedge-ratio",
          "chart-basis",
          "chart-funding",
        ]) {
          expect(await page.getByTestId(chart).locator("path.line").count(), chart).toBeGreaterThan(0);
        }
        expect(await page.getByTestId("book-drift-eth-usdc").textContent()).toBe("+120 bps");
        expect(await page.getByTestId("stress-eth-usdc").locator("tbody tr").count()).toBe(3);
        await page.getByTestId("decisions-table").waitFor();
        await screenshot("book-desktop");
        await page.getByTestId("back-to-overview").click();
        await page.getByTestId("book-row-wbtc-usdc").waitFor();
        expect(errors).toEqual([]);
      },
      { browser },
    );
  });

  it("shows what the mined plans paid: realized slippage, cost per risk removed against the estimate, costs paid", async () => {
    await withPage(
      `${api.url}/#/book/eth-usdc`,
      async ({ page, errors }) => {
        await page.getByTestId("facts-execution").waitFor();
        expect(
          await facts(page, [
            "realized-slippage-last",
            "realized-slippage-average",
            "realized-cost-per-risk",
            "expected-cost-per-risk",
            "realized-costs-total",
          ]),
        ).toEqual({
          "realized-slippage-last": "+13 bps",
          "realized-slippage-average": "+8.3 bps",
          "realized-cost-per-risk": "0.0375",
          "expected-cost-per-risk": "0.03",
          "realized-costs-total": "$37.50",
        });
        expect(await page.getByTestId("facts-execution").locator("h3").textContent()).toBe(
          "Execution cost (2 plans, 30.0 d)",
        );
        expect(await page.getByTestId("fact-realized-costs-total").getAttribute("title")).toBe(
          "gas $4.20, fees $18.00, slippage $15.30",
        );
        expect(errors).toEqual([]);
      },
      { browser },
    );
    // A book that mined nothing says so instead of showing zeros.
    await withPage(
      `${api.url}/#/book/wbtc-usdc`,
      async ({ page }) => {
        await page.getByTestId("facts-execution").waitFor();
        expect(await page.getByTestId("fact-realized-none").textContent()).toBe(
          "No plan mined in the last 30.0 d.",
        );
        expect(await page.getByTestId("fact-realized-slippage-last").count()).toBe(0);
      },
      { browser },
    );
  });

  it("labels the engine's summary of a book with units: band, oracle, LP, perp, effectiveness, de-peg", async () => {
    await withPage(
      `${api.url}/#/book/eth-usdc`,
      async ({ page, errors }) => {
        await page.getByTestId("facts-perp").waitFor();
        expect(await facts(page, ["drift-state", "arm-band", "rearm-band", "net-delta"]), "band").toEqual({
          "drift-state": "over-hedged",
          "arm-band": "±500 bps",
          "rearm-band": "±150 bps",
          "net-delta": "-$6,012",
        });
        expect(await facts(page, ["oracle-status", "oracle-age", "base-price", "oracle-problem"])).toEqual({
          "oracle-status": "fresh",
          "oracle-age": "12 s",
          "base-price": "$2,000.00",
          "oracle-problem": "–",
        });
        expect(
          await facts(page, ["lp-value", "lp-fees", "lp-hodl-value", "lp-expected-il", "lp-lvr"]),
        ).toEqual({
          "lp-value": "$1,000,000",
          "lp-fees": "$1,843",
          "lp-hodl-value": "$1,001,235",
          "lp-expected-il": "-$1,411",
          "lp-lvr": "$38,250/yr",
        });
        // v4 beside v3; the hooked dynamic-fee pool is marked with what its hook may do.
        expect(await page.getByTestId("lp-position-v3:1").textContent()).not.toContain("hooked");
        expect(await page.getByTestId("lp-hook-v4:3").textContent()).toBe(" · hooked (afterInitialize)");
        expect(await page.getByTestId("lp-position-v4:3").textContent()).toContain(
          "uniswap-v4 · $60,000 · fee 1.00% (dynamic, set by the hook)",
        );
        expect(
          await facts(page, [
            "perp-venue",
            "perp-size",
            "perp-notional",
            "perp-mark",
            "perp-index",
            "perp-margin-ratio",
            "perp-leverage",
            "perp-liquidation-distance",
            "perp-funding-carry",
          ]),
        ).toEqual({
          "perp-venue": "perp-v2",
          "perp-size": "-250.1234 (short)",
          "perp-notional": "-$500,247",
          "perp-mark": "$2,001.00",
          "perp-index": "$2,000.00",
          "perp-margin-ratio": "20.0%",
          "perp-leverage": "5.00×",
          "perp-liquidation-distance": "7,412 bps",
          "perp-funding-carry": "+$54,777/yr",
        });

        const table = page.getByTestId("effectiveness-table");
        expect(await table.locator("th").allTextContents()).toEqual([
          "Window",
          "Blocks",
          "Ederington",
          "Correlation",
          "Min-var multiple",
          "Basis (mark − index)",
          "Funding carry",
          "Cost per $ risk removed",
        ]);
        expect(await table.locator("tbody tr").count()).toBe(2);
        expect(await effectivenessCells(page, 20)).toEqual([
          "20 blocks",
          "#1,010–#1,029",
          "95.1%",
          "-0.98",
          "1.02×",
          "+4.8 ± 1.3 bps",
          "+$54,210/yr",
          "-0.118",
        ]);
        expect(await effectivenessCells(page, 60)).toEqual([
          "60 blocks",
          "#970–#1,029",
          "93.0%",
          "-0.96",
          "0.98×",
          "+5.1 ± 1.9 bps",
          "+$53,881/yr",
          "-0.112",
        ]);

        const usdc = page.getByTestId("detail-depeg-USDC");
        expect(await usdc.locator(".badge").textContent()).toBe("warn");
        expect(await usdc.textContent()).toContain("-60 bps");
        expect(await page.getByTestId("stress-problem").count()).toBe(0);
        // Labels only: no raw keys or JSON from the stored detail.
        const text = (await page.getByTestId("book-detail-facts").textContent()) ?? "";
        for (const raw of ["feesUsd", "sizeBase", "stressProblem", "{", "[]"])
          expect(text).not.toContain(raw);
        expect(errors).toEqual([]);
      },
      { browser },
    );
  });

  it("shows σ and its source, the residual VaR/ES, LP gamma, LVR's σ-sensitivity, basis and the liquidation price", async () => {
    await withPage(
      `${api.url}/#/book/eth-usdc`,
      async ({ page, errors }) => {
        await page.getByTestId("facts-risk").waitFor();
        expect(
          await facts(page, [
            "sigma",
            "sigma-source",
            "residual-var",
            "residual-es",
            "basis-mark-index",
            "basis-index-pool",
          ]),
        ).toEqual({
          sigma: "62.3%",
          "sigma-source": "realized from the oracle (141 moves over 24.0 h)",
          "residual-var": "$4,313",
          "residual-es": "$5,480",
          "basis-mark-index": "+5 bps",
          "basis-index-pool": "+1.4 bps",
        });
        const labels = await page.getByTestId("facts-risk").locator("dt").allTextContents();
        expect(labels).toContain("Residual VaR (95%, 1 h)");
        expect(labels).toContain("Residual ES (95%, 1 h)");
        expect(await facts(page, ["lp-gamma", "lp-lvr-vega", "perp-liquidation-price"])).toEqual({
          "lp-gamma": "-$13,684",
          "lp-lvr-vega": "+$1,227/yr",
          "perp-liquidation-price": "$2,635.30 (+31.8%)",
        });
        expect(errors).toEqual([]);
      },
      { browser },
    );
  });

  it("shows each steward window raw and against the target with its samples, a blank one with its reason", async () => {
    await withPage(
      `${api.url}/#/book/eth-usdc`,
      async ({ page, errors }) => {
        const table = page.getByTestId("target-effectiveness-table");
        await table.waitFor();
        expect(await page.getByTestId("facts-target-effectiveness").locator("h3").textContent()).toBe(
          "Effectiveness against the 1.00 target",
        );
        expect(await table.locator("th").allTextContents()).toEqual([
          "Window",
          "Samples",
          "Ederington vs target",
          "Dollar offset vs target",
          "h* vs target",
          "R²",
          "Ederington raw",
          "Dollar offset raw",
          "h* raw",
          "Verdict",
        ]);
        const cells = (label: string) =>
          page.getByTestId(`target-window-${label}`).locator("td").allTextContents();
        expect(await cells("live")).toEqual([
          "live (240 blocks)",
          "240",
          "96.1%",
          "95.3%",
          "1.01×",
          "0.96",
          "96.1%",
          "95.3%",
          "1.01×",
          "effective",
        ]);
        expect(await cells("1d")).toEqual([
          "1 day",
          "241",
          "93.0%",
          "131.1%",
          "1.03×",
          "0.93",
          "93.0%",
          "131.1%",
          "1.03×",
          "effective",
        ]);
        expect(await cells("30d")).toEqual([
          "30 days",
          "242",
          "history covers 86400s of the 2592000s window (need 90%)",
        ]);
        expect(errors).toEqual([]);
      },
      { browser },
    );
  });

  it("shows the margin ratio after each stress row and the liquidation a shock crosses, with its price and loss", async () => {
    await withPage(
      `${api.url}/#/book/eth-usdc`,
      async ({ page, errors }) => {
        const table = page.getByTestId("stress-eth-usdc");
        await table.waitFor();
        expect(await table.locator("th").allTextContents()).toEqual([
          "Shock",
          "LP P&L",
          "Hedge P&L",
          "Spot P&L",
          "Net P&L",
          "Net",
          "Margin after",
          "Liquidation",
        ]);
        expect(await page.getByTestId("stress-margin-0").textContent()).toBe("31.4%");
        expect(await page.getByTestId("stress-liquidation-0").textContent()).toBe("no");
        expect(await page.getByTestId("stress-margin-1").textContent()).toBe("5.9%");
        expect(await page.getByTestId("stress-liquidation-1").textContent()).toBe(
          "liquidated 50% at $2,635.30, locks in $48,121",
        );
        expect(await page.getByTestId("stress-row-2").textContent()).toContain("-$12,270");
        expect(errors).toEqual([]);
      },
      { browser },
    );
  });

  it("reads a block stamped ahead of the wall clock as just now, never as a time to come", async () => {
    const ahead = {
      bookId: "devnet-ahead",
      driftBps: 10,
      thresholdBps: 100,
      blockNumber: 5_000n,
      // A devnet that advanced time: its latest block is stamped 14.8 h past this machine's clock.
      timestampSec: Math.floor(Date.now() / 1000) + 53_280,
    };
    await store.putBookStatus(bookStatus(ahead));
    await withPage(
      api.url,
      async ({ page, errors }) => {
        const block = page.getByTestId("book-block-devnet-ahead");
        await block.waitFor();
        expect(await block.textContent()).toBe("#5,000 just now");
        await page.getByTestId("book-link-devnet-ahead").click();
        const summary = page.getByTestId("book-summary-devnet-ahead");
        await summary.waitFor();
        expect(await summary.textContent()).toContain("(just now)");
        expect(await summary.textContent()).not.toMatch(/\bin \d/);
        expect(errors).toEqual([]);
      },
      { browser },
    );
  });

  it("updates live, without a reload, when a newer status and a new action reach the store", async () => {
    await withPage(
      api.url,
      async ({ page, errors, screenshot }) => {
        await page.getByTestId("book-row-eth-usdc").waitFor();
        await expect.poll(() => page.getByTestId("connection").textContent(), { timeout: 5000 }).toBe("live");
        await page.evaluate(() => {
          (globalThis as unknown as { sameDocument: boolean }).sameDocument = true;
        });

        const planId = `0x${"b0b".padStart(64, "0")}`;
        const block = seeded.books.inside.blockNumber + 5n;
        const at = seeded.books.inside.timestampSec + 60;
        await store.putPlan({
          planId,
          chainId: CHAIN_ID,
          bookId: "eth-usdc",
          lane: "routine",
          mode: "execute",
          status: "submitted",
          reason: "drift near the band edge",
          blockNumber: block,
          createdAtMs: at * 1000,
          updatedAtMs: at * 1000,
        });
        await store.putTransaction({
          txHash: `0x${"c0ffee".padStart(64, "0")}`,
          planId,
          chainId: CHAIN_ID,
          nonce: 8,
          kind: "plan",
          status: "broadcast",
          replaces: null,
          gasUsed: null,
          blockNumber: null,
          atMs: at * 1000,
        });
        await store.putBookStatus(
          bookStatus({ ...seeded.books.inside, blockNumber: block, timestampSec: at, driftBps: 455 }),
        );

        await expect
          .poll(() => page.getByTestId("book-drift-eth-usdc").textContent(), { timeout: 5000 })
          .toBe("+455 bps");
        expect(await page.getByTestId("book-row-eth-usdc").getAttribute("class")).toContain("colour-amber");
        expect(await page.getByTestId("book-block-eth-usdc").textContent()).toMatch(/^#1,034 /);
        await page.getByTestId(`action-row-${planId}`).waitFor({ timeout: 5000 });
        expect(
          await page.evaluate(() => (globalThis as unknown as { sameDocument?: boolean }).sameDocument),
        ).toBe(true);
        await screenshot("overview-live-update");
        expect(errors).toEqual([]);
      },
      { browser },
    );
  });

  it("fits a 390 px wide phone without horizontal scrolling", async () => {
    await withPage(
      api.url,
      async ({ page, errors, screenshot }) => {
        await page.getByTestId("book-row-eth-usdc").waitFor();
        await page.getByTestId(`action-row-${seeded.planId}`).waitFor();
        await page.getByTestId("keeper-heartbeat").waitFor();
        expect(await hasHorizontalOverflow(page)).toBe(false);
        await screenshot("overview-phone");

        await page.getByTestId("book-link-wbtc-usdc").click();
        await page.getByTestId("chart-drift").locator("path.line").first().waitFor();
        expect(await page.getByTestId("facts-perp").textContent()).toContain("No perp position.");
        expect(await page.getByTestId("effectiveness-empty").textContent()).toBe(
          "Needs 20 blocks of history in which the LP and the hedge both moved.",
        );
        expect(await hasHorizontalOverflow(page)).toBe(false);
        await screenshot("book-phone");

        // The effectiveness table is wider than a phone: it scrolls inside its own box, the page does not.
        await page.evaluate(() => {
          (globalThis as unknown as { location: { hash: string } }).location.hash = "#/book/eth-usdc";
        });
        await page.getByTestId("effectiveness-table").waitFor();
        await page.getByTestId("chart-drift").locator("path.line").first().waitFor();
        const scrollsInside = await page.locator(".table-scroll").evaluate((box) => {
          const { scrollWidth, clientWidth } = box as unknown as { scrollWidth: number; clientWidth: number };
          return scrollWidth > clientWidth;
        });
        expect(scrollsInside).toBe(true);
        expect(await hasHorizontalOverflow(page)).toBe(false);
        await screenshot("book-facts-phone");
        expect(errors).toEqual([]);
      },
      {
        browser,
        context: {
          viewport: { width: 390, height: 844 },
          deviceScaleFactor: 2,
          isMobile: true,
          hasTouch: true,
        },
      },
    );
  });

  it("asks for the API token when the API answers 401 and keeps it for the tab", async () => {
    const guarded = await startApiServer({
      store,
      host: "127.0.0.1",
      port: 0,
      token: TOKEN,
      dashboardDir: DASHBOARD_DIST_DIR,
      events: { pollMs: 250 },
    });
    try {
      await withPage(
        guarded.url,
        async ({ page, screenshot }) => {
          await page.getByTestId("token-prompt").waitFor();
          await screenshot("token-prompt");
          await page.getByTestId("token-input").fill(TOKEN);
          await page.getByTestId("token-submit").click();
          await page.getByTestId("book-row-eth-usdc").waitFor();
          await expect
            .poll(() => page.getByTestId("connection").textContent(), { timeout: 5000 })
            .toBe("live");
          const stored = await page.evaluate(() =>
            (globalThis as unknown as PageGlobals).sessionStorage.getItem("hedgekeeper.token"),
          );
          expect(stored).toBe(TOKEN);

          await page.reload();
          await page.getByTestId("book-row-eth-usdc").waitFor();
          expect(await page.getByTestId("token-prompt").isVisible()).toBe(false);
        },
        { browser },
      );
    } finally {
      await guarded.close();
    }
  });

  it("reads a book left with a dust perp, a stale oracle and no stress table, runaway values in short form", async () => {
    // The demo's book after its rally: the perp closed to a rounding residue, the LP out of range (its hedge
    // ratio ran away to 1.2e19 for a few blocks before the engine read it as 0), the base feed past its heartbeat.
    const book = {
      bookId: "eth-rally",
      driftBps: 0,
      thresholdBps: 100,
      blockNumber: 2011n,
      timestampSec: Math.floor(Date.now() / 1000),
    };
    for (let i = 0; i < 12; i++) {
      await store.putSample(
        CHAIN_ID,
        book.bookId,
        historySample(2000n + BigInt(i), book.timestampSec - (11 - i) * 60, {
          thresholdBps: 100,
          hedgeRatio: i < 3 ? 1 : i < 8 ? 1.2e19 : 0,
          targetHedgeRatio: 0.6,
          fundingRateDaily: 1e-8 * (1 + i / 11),
        }),
        [],
      );
    }
    await store.putBookStatus(
      bookStatus(book, {
        status: "stale",
        hedgeRatio: 0,
        targetHedgeRatio: 0.6,
        effectiveness: null,
        detail: {
          armBps: 100,
          rearmBps: 25,
          driftState: "on-target",
          netDeltaUsd: 1.611e-11,
          basePriceUsd: 3900,
          oracle: { fresh: false, ageSec: 608, problem: "older than heartbeat 600s" },
          sigma: {
            annual: 0.6,
            source: "fallback",
            reason:
              "too little price data for a realized σ (oracle: 2 distinct moves (need 20); pool: 11 distinct moves (need 20))",
            series: null,
            observations: 12,
            moves: 11,
            spanSec: 660,
            realizedAnnual: null,
          },
          lp: {
            valueUsd: 902_000,
            feesUsd: 147.3,
            hodlValueUsd: 997_700,
            expectedIlUsd: 0,
            lvrUsdPerYear: 0,
            lvrUsdPerYearPerSigma: 0,
            gammaBase: 0,
            gammaUsdPer1Pct: 0,
          },
          perp: {
            venue: "perp-v2",
            sizeBase: 2.304e-15,
            notionalUsd: 8.986e-12,
            markPrice: 3892,
            indexPrice: 3900,
            marginRatio: null,
            leverage: 0,
            liquidationDistanceBps: 10_000,
            liquidationPriceUsd: null,
            liquidationMovePct: null,
            fundingCarryUsdPerYear: 7.127e-12,
          },
          hedgeLegs: [],
          basis: { markIndexBps: -20.5, indexPoolBps: 3.1 },
          residualRisk: {
            confidence: 0.95,
            horizonSec: 3_600,
            samples: 12,
            valueAtRiskUsd: 18_250.4,
            expectedShortfallUsd: 24_600,
            reason: null,
          },
          effectiveness: [],
          // The perp closed mid-window: measured, and read as a hedge that no longer offsets the item.
          targetEffectiveness: [
            {
              label: "live",
              durationSec: null,
              source: "blocks",
              samples: 12,
              fromSec: book.timestampSec - 660,
              toSec: book.timestampSec,
              fromBlock: "2000",
              toBlock: "2011",
              reason: null,
              targetHedgeRatio: 0.6,
              realizedHedgeRatio: 0.05,
              correlation: -0.21,
              raw: {
                ederington: 0.02,
                minVarianceMultiple: 4.2,
                dollarOffset: 0.04,
                dollarOffsetHighlyEffective: false,
                regressionSlope: -0.05,
                regressionR2: 0.044,
                effective: false,
              },
              relative: {
                ederington: -0.05,
                minVarianceMultiple: 7,
                dollarOffset: 0.067,
                dollarOffsetHighlyEffective: false,
                regressionSlope: -0.083,
                regressionR2: 0.044,
                effective: false,
              },
            },
            ...(["1h", "1d", "7d", "30d"] as const).map((label, i) => ({
              label,
              durationSec: [3_600, 86_400, 604_800, 2_592_000][i]!,
              source: "history" as const,
              samples: 12,
              fromSec: book.timestampSec - 660,
              toSec: book.timestampSec,
              fromBlock: "2000",
              toBlock: "2011",
              reason: `history covers 660s of the ${[3_600, 86_400, 604_800, 2_592_000][i]!}s window (need 90%)`,
              targetHedgeRatio: 0.6,
              realizedHedgeRatio: null,
              correlation: null,
              raw: null,
              relative: null,
            })),
          ],
          stress: [],
          lpPositions: [],
          stressProblem: "oracles: no USD price for 0xdac17f958d2ee523a2206206994597c13d831ec7",
          depeg: [
            { symbol: "USDC", tier: "act", deviationBps: -600.0000000000006 },
            { symbol: "USDT", tier: "warn", deviationBps: -613.0000000000002 },
            { symbol: "DAI", tier: "act", deviationBps: -1212.9999999999995 },
          ],
          realizedExecution: {
            windowSec: 2_592_000,
            plans: 0,
            lastPlanId: null,
            lastMinedAtSec: null,
            lastSlippageBps: null,
            averageSlippageBps: null,
            costPerRiskRemoved: null,
            expectedCostPerRiskRemoved: null,
            totals: { gasUsd: 0, feesUsd: 0, slippageUsd: 0, costUsd: 0, expectedCostUsd: 0 },
          },
        },
      }),
    );

    await withPage(
      `${api.url}/#/book/eth-rally`,
      async ({ page, errors, screenshot }) => {
        await page.getByTestId("chart-hedge-ratio").locator("path.line").first().waitFor();
        expect(await facts(page, ["perp-size", "perp-notional", "perp-funding-carry", "net-delta"])).toEqual({
          "perp-size": "dust",
          "perp-notional": "$0.00",
          "perp-funding-carry": "$0.00/yr",
          "net-delta": "$0.00",
        });
        expect(await page.getByTestId("fact-perp-size").getAttribute("title")).toBe("2.304e-15");
        expect(
          await facts(page, ["oracle-status", "oracle-age", "oracle-problem", "perp-margin-ratio"]),
        ).toEqual({
          "oracle-status": "STALE",
          "oracle-age": "608 s (10 min)",
          "oracle-problem": "older than heartbeat 600s",
          "perp-margin-ratio": "–",
        });
        expect(await page.getByTestId("stress-problem").textContent()).toContain(
          "oracles: no USD price for 0xdac1",
        );
        expect(await page.getByTestId("effectiveness-empty").textContent()).toBe(
          "Needs 20 blocks of history in which the LP and the hedge both moved.",
        );
        // σ fell back (too few oracle rounds), said so; the closed hedge reads as not effective, the long windows
        // as too short, each with its reason.
        expect(await page.getByTestId("fact-sigma-source").textContent()).toMatch(
          /^fallback: too little price data for a realized σ \(oracle: 2 distinct moves/,
        );
        expect(await page.getByTestId("fact-residual-var").textContent()).toBe("$18,250");
        expect(await page.getByTestId("target-window-live").locator(".badge").textContent()).toBe(
          "not effective",
        );
        expect(await page.getByTestId("target-window-reason-1h").textContent()).toBe(
          "history covers 660s of the 3600s window (need 90%)",
        );
        for (const [symbol, tier, deviation] of [
          ["USDC", "act", "-600 bps"],
          ["USDT", "warn", "-613 bps"],
          ["DAI", "act", "-1213 bps"],
        ] as const) {
          const badge = page.getByTestId(`detail-depeg-${symbol}`);
          expect(await badge.locator(".badge").textContent(), symbol).toBe(tier);
          expect(await badge.textContent(), symbol).toContain(deviation);
        }

        // Axis labels stay short whatever the magnitude: 1.2e19 and a funding rate of a millionth of a percent.
        const hedge = page.getByTestId("chart-hedge-ratio");
        expect(await hedge.locator(".y-high").textContent()).toBe("1.3e19");
        expect(await hedge.locator(".y-low").textContent()).toBe("-9.6e17");
        const funding = page.getByTestId("chart-funding");
        for (const label of [".y-high", ".y-low"]) {
          expect(await funding.locator(label).textContent(), label).toMatch(/^\d(\.\d)?e-6%$/);
        }
        await screenshot("book-dust-perp-stale-oracle");
        expect(errors).toEqual([]);
      },
      { browser },
    );
  });

  it("shows an Aave book's stress rows with the Aave leg's value change and health factor after, flagged under 1", async () => {
    // The Aave treasury's book: the engine's stress rows carry its Aave leg (engine/aave-stress.ts); a rally
    // leaves the borrow short at 0.93, liquidatable.
    const book = {
      bookId: "eth-aave",
      driftBps: 10,
      thresholdBps: 150,
      blockNumber: 3011n,
      timestampSec: Math.floor(Date.now() / 1000),
    };
    const aaveLegs = [
      { valueChangeUsd: 54_000, healthFactorAfter: 1.71, liquidated: false, liquidationPenaltyUsd: 0 },
      { valueChangeUsd: -54_000, healthFactorAfter: 0.93, liquidated: true, liquidationPenaltyUsd: 4_860 },
      { valueChangeUsd: 0, healthFactorAfter: null, liquidated: false, liquidationPenaltyUsd: 0 },
    ];
    for (let i = 0; i < 12; i++) {
      await store.putSample(
        CHAIN_ID,
        book.bookId,
        historySample(3000n + BigInt(i), book.timestampSec - (11 - i) * 60, { thresholdBps: 150 }),
        [],
      );
    }
    await store.putBookStatus(
      bookStatus(book, {
        detail: {
          ...bookDetail(book.bookId),
          stress: STRESS_ROWS.map((row, i) => ({ ...row, aave: aaveLegs[i]! })),
        },
      }),
    );
    await withPage(
      `${api.url}/`,
      async ({ page, errors }) => {
        // Several books: each table is folded under its book's name until opened.
        await page
          .locator("summary")
          .filter({ hasText: /^eth-aave$/ })
          .click();
        const table = page.getByTestId("stress-eth-aave");
        await table.waitFor();
        expect(await table.locator("th").allTextContents()).toEqual([
          "Shock",
          "LP P&L",
          "Hedge P&L",
          "Net P&L",
          "Net",
          "Aave leg",
          "Health factor after",
        ]);
        expect(await page.getByTestId("stress-eth-aave-aave-0-value").textContent()).toBe("+$54,000");
        expect(await page.getByTestId("stress-eth-aave-aave-0-hf").textContent()).toBe("1.71");
        expect(await page.getByTestId("stress-eth-aave-aave-1-value").textContent()).toBe("-$54,000");
        expect(await page.getByTestId("stress-eth-aave-aave-1-hf").textContent()).toBe("0.93 under 1");
        expect(await page.getByTestId("stress-eth-aave-aave-1-hf").locator(".badge.liquidated").count()).toBe(
          1,
        );
        expect(await page.getByTestId("stress-eth-aave-aave-2-hf").textContent()).toBe("no debt");
        // A book without an Aave leg keeps its table as it was.
        expect(await page.getByTestId("stress-eth-usdc").locator("th").allTextContents()).not.toContain(
          "Aave leg",
        );
        expect(errors).toEqual([]);
      },
      { browser },
    );
    await withPage(
      `${api.url}/#/book/eth-aave`,
      async ({ page, errors }) => {
        const table = page.getByTestId("stress-eth-aave");
        await table.waitFor();
        expect((await table.locator("th").allTextContents()).slice(-2)).toEqual([
          "Aave leg",
          "Health factor after",
        ]);
        expect(await page.getByTestId("stress-aave-1-value").textContent()).toBe("-$54,000");
        expect(await page.getByTestId("stress-aave-1-hf").textContent()).toBe("0.93 under 1");
        expect(await page.getByTestId("stress-aave-0-hf").textContent()).toBe("1.71");
        expect(errors).toEqual([]);
      },
      { browser },
    );
  });
});
