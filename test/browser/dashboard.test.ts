// The steward dashboard as a steward sees it: the built page (dashboard/dist) in the machine's Chromium, served
// by the API over a real PGlite history store seeded through the store's own write methods.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../src/api/api-server.ts";
import { DASHBOARD_DIST_DIR } from "../../src/api/dashboard-dir.ts";
import type { KeeperHealth } from "../../src/metrics/metrics.ts";
import type { HistoryStore } from "../../src/store/history-store.ts";
import { openHistoryStore } from "../../src/store/open-history-store.ts";
import { bookStatus, CHAIN_ID, type SeededHistory, seedHistory } from "../integration/api/history-fixture.ts";
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
        expect(await page.getByTestId("book-block-eth-usdc").textContent()).toMatch(/^#1,029 /);

        const action = page.getByTestId(`action-row-${seeded.planId}`);
        await action.waitFor();
        const actionText = (await action.textContent()) ?? "";
        expect(actionText).toContain("rebalance");
        expect(actionText).toContain("confirmed");
        expect(actionText).toContain("0x0000…ef02");
        expect(actionText).toContain("187,654");

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
          lane: "rebalance",
          mode: "execute",
          status: "sent",
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
        expect(await hasHorizontalOverflow(page)).toBe(false);
        await screenshot("book-phone");
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
});
