// The read-only API over the real history store, on both backends (embedded PGlite and the machine's
// PostgreSQL), seeded through the store's own write methods.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApiServer, startApiServer } from "../../../src/api/api-server.ts";
import type {
  ActionsResponse,
  AlertsResponse,
  BookResponse,
  BooksResponse,
  DecisionsResponse,
  DepegResponse,
  KeeperResponse,
  StressResponse,
  UpdateEvent,
} from "../../../src/api/api-types.ts";
import type { KeeperHealth } from "../../../src/metrics/metrics.ts";
import { splitSharedDetails } from "../../../src/store/book-status-parts.ts";
import type { HistoryStore } from "../../../src/store/history-store.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";
import { postgresForTests } from "../../support/postgres.ts";
import {
  bookDetail,
  bookStatus,
  ETH_USDC_EFFECTIVENESS,
  ETH_USDC_REALIZED_EXECUTION,
  ETH_USDC_TARGET_EFFECTIVENESS,
  PUBLISHED_STRESS_ROWS,
  type SeededHistory,
  STRESS_ROWS,
  seedHistory,
} from "./history-fixture.ts";

const postgres = await postgresForTests();

interface Backend {
  name: string;
  skip: boolean;
  open(): Promise<HistoryStore>;
  /** Strings that would be a leak if any response carried them. */
  secrets: string[];
}

const backends: Backend[] = [
  {
    name: "PGlite",
    skip: false,
    open: () => openHistoryStore({ dataDir: "memory://" }),
    secrets: ["memory://"],
  },
  {
    name: `PostgreSQL ${postgres.skipReason ?? ""}`.trim(),
    skip: postgres.url === undefined,
    open: () => openHistoryStore({ databaseUrl: postgres.url, schema: postgres.freshSchema("api") }),
    secrets: postgres.url ? [postgres.url, new URL(postgres.url).host] : [],
  },
];

const TOKEN = "api-token-5f3c9a1e7d";

const KEEPER_HEALTH: KeeperHealth = {
  heartbeatAtSec: Math.floor(Date.now() / 1000) - 4,
  queues: [
    { name: "evaluate", depth: 2, lagSec: 1.5 },
    { name: "broadcast", depth: 0, lagSec: 0 },
  ],
  signers: [{ address: "0x70997970c51812dc3a010c7d01b50e0d17dc79c8", balanceEth: 9.87 }],
  lastSuccessAtSec: { snapshot: Math.floor(Date.now() / 1000) - 3 },
};

/** A built dashboard stand-in, with a file beside it that no URL may reach. */
function dashboardFixture(): { dir: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), "hk-api-static-"));
  const dir = join(root, "dist");
  mkdirSync(join(dir, "assets"), { recursive: true });
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>hedgekeeper</title><p>dashboard-index</p>");
  writeFileSync(join(dir, "assets", "app-1a2b3c.js"), "console.log('dashboard');");
  writeFileSync(join(dir, "assets", "app-1a2b3c.css"), "body{margin:0}");
  writeFileSync(join(root, "secret.txt"), "TOP-SECRET-OUTSIDE-THE-DASHBOARD");
  return { dir, root };
}

/** A GET with the path sent exactly as written (fetch would normalise `..` away). */
function rawGet(baseUrl: string, path: string): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: "GET" }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** One block of an event stream: an event (name and data) or a comment line. */
interface StreamBlock {
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads an event stream block by block; `until` waits for the first block that matches. */
function eventStream(response: Response) {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const pending: StreamBlock[] = [];
  function parse(text: string): void {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of text.split("\n")) {
      if (line.startsWith(":")) pending.push({ comment: line.slice(1).trim() });
      else if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data.push(line.slice(6));
    }
    if (data.length > 0) pending.push({ event: event ?? "message", data: data.join("\n") });
  }
  return {
    async until(
      matches: (block: StreamBlock) => boolean,
      what: string,
      timeoutMs = 5000,
    ): Promise<StreamBlock> {
      const timeout = new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error(`no ${what} within ${timeoutMs} ms`)), timeoutMs),
      );
      for (;;) {
        const block = pending.shift();
        if (block) {
          if (matches(block)) return block;
          continue;
        }
        const end = buffer.indexOf("\n\n");
        if (end >= 0) {
          parse(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          continue;
        }
        const { value, done } = await Promise.race([reader.read(), timeout]);
        if (done) throw new Error(`the event stream ended before ${what}`);
        buffer += value;
      }
    },
    comment(prefix: string, timeoutMs?: number) {
      return this.until((b) => b.comment?.startsWith(prefix) === true, `a ": ${prefix}" comment`, timeoutMs);
    },
    async next(name: string, timeoutMs?: number): Promise<unknown> {
      const block = await this.until((b) => b.event === name, `an ${name} event`, timeoutMs);
      return JSON.parse(block.data!);
    },
  };
}

for (const backend of backends) {
  describe.skipIf(backend.skip)(`the read-only API over ${backend.name}`, () => {
    let store: HistoryStore;
    let seeded: SeededHistory;
    let open: ApiServer;
    let guarded: ApiServer;
    let statics: { dir: string; root: string };

    const getJson = async <T>(
      path: string,
      init: RequestInit = {},
    ): Promise<{ status: number; body: T; headers: Headers }> => {
      const response = await fetch(`${open.url}${path}`, init);
      return { status: response.status, body: (await response.json()) as T, headers: response.headers };
    };

    beforeAll(async () => {
      store = await backend.open();
      seeded = await seedHistory(store);
      statics = dashboardFixture();
      open = await startApiServer({
        store,
        host: "127.0.0.1",
        port: 0,
        dashboardDir: statics.dir,
        events: { pollMs: 100, heartbeatMs: 250 },
      });
      guarded = await startApiServer({
        store,
        host: "127.0.0.1",
        port: 0,
        token: TOKEN,
        keeperHealth: async () => KEEPER_HEALTH,
        dashboardDir: statics.dir,
        events: { pollMs: 100 },
      });
    });

    afterAll(async () => {
      await open?.close();
      await guarded?.close();
      await store?.close();
      if (statics) rmSync(statics.root, { recursive: true, force: true });
    });

    it("lists every book with its status block, its band and colour, block numbers as strings", async () => {
      const { status, body } = await getJson<BooksResponse>("/api/books");
      expect(status).toBe(200);
      const byId = Object.fromEntries(body.books.map((b) => [b.bookId, b]));
      expect(Object.keys(byId).sort()).toEqual(["eth-usdc", "wbtc-usdc"]);
      expect(byId["eth-usdc"]).toMatchObject({
        chainId: 31337,
        blockNumber: "1029",
        timestampSec: seeded.books.inside.timestampSec,
        status: "ok",
        driftBps: 120,
        thresholdBps: 500,
        hedgeRatio: 0.988,
        targetHedgeRatio: 1,
        impermanentLossUsd: -1234.5,
        effectiveness: 0.93,
        effectivenessWindow: "1d",
        band: "inside",
        colour: "green",
      });
      expect(byId["wbtc-usdc"]).toMatchObject({
        driftBps: -640,
        thresholdBps: 400,
        band: "beyond",
        colour: "red",
      });
      expect(byId["eth-usdc"]).not.toHaveProperty("detail");
    });

    it("shows one book with its detail and the last 24 h of its chart by default", async () => {
      const { status, body } = await getJson<BookResponse>("/api/books/eth-usdc");
      expect(status).toBe(200);
      expect(body.book).toMatchObject({ bookId: "eth-usdc", blockNumber: "1029", colour: "green" });
      expect(body.book.detail?.stress).toEqual(STRESS_ROWS);
      expect(body.book.detail?.effectiveness).toEqual(ETH_USDC_EFFECTIVENESS);
      expect(body.book.detail?.perp).toMatchObject({ venue: "perp-v2", sizeBase: -250.1234 });
      expect(body.range.maxPoints).toBe(500);
      expect(body.range.toSec).toBeGreaterThanOrEqual(seeded.books.inside.timestampSec);
      expect(body.range.toSec - body.range.fromSec).toBe(86_400);
      // 30 one-minute samples in 173 s buckets (24 h / 500): each bucket shows its last sample.
      expect(body.series.length).toBeGreaterThanOrEqual(10);
      expect(body.series.length).toBeLessThanOrEqual(30);
      const last = body.series.at(-1)!;
      expect(last).toMatchObject({
        blockNumber: "1029",
        timestampSec: seeded.books.inside.timestampSec,
        driftBps: 120,
        thresholdBps: 500,
        impermanentLossUsd: -1234.5,
        fundingRateDaily: 0.0003,
      });
      expect(last.hedgeRatio).toBeCloseTo(0.988, 12);
      expect(last.basisBps).toBeCloseTo(5, 9); // (2001 − 2000) / 2000
      const times = body.series.map((p) => p.timestampSec);
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(times[0]).toBeGreaterThanOrEqual(seeded.startSec);
    });

    it("downsamples a book's chart to the points asked for, within the range asked for", async () => {
      const from = seeded.startSec;
      const to = seeded.books.inside.timestampSec;
      const { status, body } = await getJson<BookResponse>(
        `/api/books/eth-usdc?from=${from}&to=${to}&points=5`,
      );
      expect(status).toBe(200);
      expect(body.range).toEqual({ fromSec: from, toSec: to, maxPoints: 5 });
      expect(body.series.length).toBeGreaterThan(0);
      expect(body.series.length).toBeLessThanOrEqual(5);
      expect(body.series.at(-1)!.timestampSec).toBe(to);
      const early = await getJson<BookResponse>(`/api/books/eth-usdc?from=${from}&to=${from + 59}`);
      expect(early.body.series.map((p) => p.blockNumber)).toEqual(["1000"]);
    });

    it("serves the book's risk figures: σ and its source, residual VaR/ES, LP gamma, basis, liquidation", async () => {
      const { body } = await getJson<BookResponse>("/api/books/eth-usdc");
      const detail = body.book.detail!;
      expect(detail.sigma).toEqual({
        annual: 0.6234,
        source: "realized",
        reason: null,
        series: "oracle",
        observations: 143,
        moves: 141,
        spanSec: 86_400,
        realizedAnnual: 0.6234,
      });
      expect(detail.residualRisk).toEqual({
        confidence: 0.95,
        horizonSec: 3_600,
        samples: 240,
        valueAtRiskUsd: 4_312.5,
        expectedShortfallUsd: 5_480.2,
        reason: null,
      });
      expect(detail.lp).toMatchObject({
        gammaBase: -0.3421,
        gammaUsdPer1Pct: -13_684,
        lvrUsdPerYearPerSigma: 122_714.2,
      });
      expect(detail.basis).toEqual({ markIndexBps: 5, indexPoolBps: 1.35 });
      expect(detail.perp).toMatchObject({
        liquidationDistanceBps: 7_412,
        liquidationPriceUsd: 2_635.3,
        liquidationMovePct: 0.31765,
      });
      // wbtc-usdc: too little history for either; each figure blank with its reason, never a zero.
      const wbtc = (await getJson<BookResponse>("/api/books/wbtc-usdc")).body.book.detail!;
      expect(wbtc.sigma).toMatchObject({ source: "fallback", realizedAnnual: null });
      expect(wbtc.sigma.reason).toMatch(/too little price data/);
      expect(wbtc.residualRisk).toMatchObject({ valueAtRiskUsd: null, reason: "2 samples (need 3)" });
    });

    it("serves the book's realized execution: last and average slippage, realized and estimated cost per risk removed", async () => {
      const { body } = await getJson<BookResponse>("/api/books/eth-usdc");
      expect(body.book.detail!.realizedExecution).toEqual(ETH_USDC_REALIZED_EXECUTION);
      // wbtc-usdc has mined nothing: every figure blank (null), not zero.
      const wbtc = (await getJson<BookResponse>("/api/books/wbtc-usdc")).body.book.detail!;
      expect(wbtc.realizedExecution).toMatchObject({
        plans: 0,
        lastSlippageBps: null,
        averageSlippageBps: null,
        costPerRiskRemoved: null,
      });
    });

    it("serves dollar offset, R² and h* per steward window, raw and against the target, blank ones with the reason", async () => {
      const { body } = await getJson<BookResponse>("/api/books/eth-usdc");
      const windows = body.book.detail!.targetEffectiveness;
      expect(windows).toEqual(ETH_USDC_TARGET_EFFECTIVENESS);
      expect(windows.map((w) => [w.label, w.samples, w.reason === null])).toEqual([
        ["live", 240, true],
        ["1h", 241, true],
        ["1d", 241, true],
        ["7d", 242, false],
        ["30d", 242, false],
      ]);
      const day = windows[2]!;
      expect(day.relative).toMatchObject({
        dollarOffset: 1.3112,
        regressionR2: 0.931,
        minVarianceMultiple: 1.0338,
      });
      expect(day.raw).toMatchObject({ dollarOffset: 1.3112, regressionR2: 0.931 });
      expect(windows[3]).toMatchObject({
        raw: null,
        relative: null,
        reason: expect.stringMatching(/history covers/),
      });
      // The status block's effectiveness is the longest measured window's, against the target.
      expect(body.book.effectiveness).toBe(0.93);
      expect(body.book.effectivenessWindow).toBe("1d");
    });

    it("serves each stress row's margin ratio after the shock and the liquidation it crosses", async () => {
      const { body } = await getJson<BookResponse>("/api/books/eth-usdc");
      const [crash, rally, depeg] = body.book.detail!.stress;
      expect(crash).toMatchObject({ marginRatioAfter: 0.3143, liquidated: false, liquidationLossUsd: 0 });
      expect(rally).toMatchObject({
        marginRatioAfter: 0.0594,
        liquidated: true,
        liquidationPriceUsd: 2_635.3,
        liquidationMovePct: 0.31765,
        liquidatedFraction: 0.5,
        liquidationPenaltyUsd: 8_236.4,
        liquidationLossUsd: 48_120.75,
      });
      expect(depeg).toMatchObject({ collateralDepegPnlUsd: -12_270, hedgePnlUsd: -12_270 });
    });

    it("answers 404 for a book it does not know", async () => {
      const { status, body } = await getJson<{ error: string }>("/api/books/no-such-book");
      expect(status).toBe(404);
      expect(body.error).toMatch(/no book "no-such-book"/);
      expect((await getJson<{ error: string }>("/api/books/%E0%A4%A")).status).toBe(400);
    });

    it("reports each stablecoin's latest de-peg reading with its sources", async () => {
      const { status, body } = await getJson<DepegResponse>("/api/depeg");
      expect(status).toBe(200);
      expect(body.depeg).toHaveLength(1);
      const usdc = body.depeg[0]!;
      expect(usdc).toMatchObject({
        symbol: "USDC",
        bookId: "eth-usdc",
        blockNumber: "1029",
        tier: "warn",
        exposureUsd: 500_000,
      });
      expect(usdc.priceUsd).toBeCloseTo(0.994, 12);
      expect(usdc.deviationBps).toBeCloseTo(-60, 9);
      expect(usdc.sources.map((s) => `${s.kind}:${s.ref}`)).toEqual([
        "chainlink:USDC/USD",
        "pool:USDC/USDT 0.01%",
      ]);
    });

    it("logs actions with their latest transaction, gas, replacement count and realized slippage, filtered by book", async () => {
      const all = await getJson<ActionsResponse>("/api/actions");
      expect(all.status).toBe(200);
      expect(all.body.actions).toEqual([
        expect.objectContaining({
          planId: seeded.planId,
          bookId: "wbtc-usdc",
          lane: "routine",
          mode: "execute",
          status: "mined",
          blockNumber: "1029",
          txHash: seeded.txHashes.replacement,
          txStatus: "mined",
          gasUsed: "187654",
          replacements: 1,
          slippageBps: 14.2,
        }),
      ]);
      expect(
        (await getJson<ActionsResponse>("/api/actions?book=wbtc-usdc&limit=5")).body.actions,
      ).toHaveLength(1);
      expect((await getJson<ActionsResponse>("/api/actions?book=eth-usdc")).body.actions).toEqual([]);
    });

    it("lists decisions newest first, noops included, with limit and book filters", async () => {
      const two = await getJson<DecisionsResponse>("/api/decisions?limit=2");
      expect(two.status).toBe(200);
      expect(two.body.decisions).toHaveLength(2);
      expect(two.body.decisions.every((d) => d.blockNumber === "1029")).toBe(true);
      const planned = await getJson<DecisionsResponse>("/api/decisions?book=wbtc-usdc");
      expect(planned.body.decisions).toEqual([
        expect.objectContaining({ kind: "plan", planId: seeded.planId, driftBps: -640, bookId: "wbtc-usdc" }),
      ]);
      const noops = await getJson<DecisionsResponse>("/api/decisions?book=eth-usdc");
      expect(noops.body.decisions.map((d) => d.kind)).toEqual(["noop", "noop", "noop"]);
    });

    it("lists alerts newest first, text as stored", async () => {
      const { status, body } = await getJson<AlertsResponse>("/api/alerts?limit=10");
      expect(status).toBe(200);
      expect(body.alerts.map((a) => a.key)).toEqual(["drift:wbtc-usdc", "depeg:USDC"]);
      expect(body.alerts[0]).toMatchObject({ severity: "critical", status: "firing", bookId: "wbtc-usdc" });
      expect(body.alerts[1]!.text).toBe("<b>not markup</b>");
      expect((await getJson<AlertsResponse>("/api/alerts?limit=1")).body.alerts).toHaveLength(1);
    });

    it("serves every book's stress table from its status detail", async () => {
      const { status, body } = await getJson<StressResponse>("/api/stress");
      expect(status).toBe(200);
      expect(body.books.map((b) => b.bookId).sort()).toEqual(["eth-usdc", "wbtc-usdc"]);
      for (const book of body.books) {
        expect(book.blockNumber).toBe("1029");
        // The published table carries each row's P&L columns; the liquidation path is on the book page.
        expect(book.rows).toEqual(PUBLISHED_STRESS_ROWS);
      }
    });

    it("answers /api/keeper 503 with the reason when no keeper health is wired, the health when it is", async () => {
      const missing = await getJson<{ error: string }>("/api/keeper");
      expect(missing.status).toBe(503);
      expect(missing.body.error).toMatch(/keeper health is not available/);
      const response = await fetch(`${guarded.url}/api/keeper`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as KeeperResponse;
      expect(body.keeper).toEqual(KEEPER_HEALTH);
      expect(body.heartbeatAgeSec).toBeGreaterThanOrEqual(4);
      expect(body.heartbeatAgeSec).toBeLessThan(60);
    });

    it("reports its health with the store's backend", async () => {
      const { status, body } = await getJson<{ ok: boolean; store: string }>("/healthz");
      expect(status).toBe(200);
      expect(body).toEqual({ ok: true, store: store.backend });
    });

    it.each([
      ["/api/actions?limit=0", "limit"],
      ["/api/actions?limit=abc", "limit"],
      ["/api/decisions?limit=1001", "limit"],
      ["/api/alerts?limit=-1", "limit"],
      ["/api/alerts?limit=2.5", "limit"],
      ["/api/actions?book=", "book"],
      ["/api/books/eth-usdc?points=1", "points"],
      ["/api/books/eth-usdc?from=yesterday", "from"],
      ["/api/books/eth-usdc?to=1700000000000", "to"],
      ["/api/books/eth-usdc?from=200&to=100", "from"],
    ])("refuses %s with 400 naming the parameter", async (path, parameter) => {
      const { status, body } = await getJson<{ error: string }>(path);
      expect(status).toBe(400);
      expect(body.error).toContain(`parameter ${parameter} `);
    });

    it("answers 404 for an unknown API route and 405 for anything but GET", async () => {
      const unknown = await getJson<{ error: string }>("/api/nothing-here");
      expect(unknown.status).toBe(404);
      expect(unknown.body.error).toMatch(/no such API route/);
      for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
        const response = await fetch(`${open.url}/api/books`, { method });
        expect(response.status).toBe(405);
        expect(response.headers.get("allow")).toBe("GET");
      }
      expect((await fetch(`${open.url}/`, { method: "POST" })).status).toBe(405);
    });

    it("needs the bearer token on every /api route when one is set, never on /healthz or the page", async () => {
      for (const path of [
        "/api/books",
        "/api/books/eth-usdc",
        "/api/depeg",
        "/api/actions",
        "/api/keeper",
        "/api/stress",
        "/api/nothing",
      ]) {
        const none = await fetch(`${guarded.url}${path}`);
        expect(none.status, path).toBe(401);
        expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
        const wrong = await fetch(`${guarded.url}${path}`, {
          headers: { authorization: `Bearer ${TOKEN}x` },
        });
        expect(wrong.status, path).toBe(401);
      }
      const right = await fetch(`${guarded.url}/api/books`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(right.status).toBe(200);
      // The query-string token is for EventSource only.
      expect((await fetch(`${guarded.url}/api/books?token=${TOKEN}`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/healthz`)).status).toBe(200);
      expect((await fetch(`${guarded.url}/`)).status).toBe(200);
    });

    it("takes the token from the query string for the event stream, which EventSource cannot give headers", async () => {
      expect((await fetch(`${guarded.url}/api/events`)).status).toBe(401);
      expect((await fetch(`${guarded.url}/api/events?token=wrong`)).status).toBe(401);
      const controller = new AbortController();
      const response = await fetch(`${guarded.url}/api/events?token=${TOKEN}`, { signal: controller.signal });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/event-stream/);
      controller.abort();
    });

    it("never puts the token or the database's address in a response", async () => {
      const paths = [
        "/healthz",
        "/api/books",
        "/api/books/eth-usdc",
        "/api/books/missing",
        "/api/depeg",
        "/api/actions",
        "/api/decisions",
        "/api/alerts",
        "/api/keeper",
        "/api/stress",
        "/api/actions?limit=oops",
        "/api/nothing",
      ];
      const seen: string[] = [];
      for (const path of paths) {
        const variants: Record<string, string>[] = [
          {},
          { authorization: `Bearer ${TOKEN}` },
          { authorization: "Bearer nope" },
        ];
        for (const headers of variants) {
          const response = await fetch(`${guarded.url}${path}`, { headers });
          seen.push(JSON.stringify([...response.headers]), await response.text());
        }
      }
      const text = seen.join("\n");
      expect(text).not.toContain(TOKEN);
      for (const secret of backend.secrets) expect(text).not.toContain(secret);
    });

    it("serves the built dashboard: index.html at / and for page paths, assets with their content types", async () => {
      const index = await fetch(`${open.url}/`);
      expect(index.status).toBe(200);
      expect(index.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(index.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect(await index.text()).toContain("dashboard-index");
      const script = await fetch(`${open.url}/assets/app-1a2b3c.js`);
      expect(script.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
      expect(script.headers.get("cache-control")).toContain("immutable");
      expect(await script.text()).toContain("dashboard");
      expect((await fetch(`${open.url}/assets/app-1a2b3c.css`)).headers.get("content-type")).toBe(
        "text/css; charset=utf-8",
      );
      const page = await fetch(`${open.url}/book/eth-usdc`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain("dashboard-index");
      expect((await fetch(`${open.url}/assets/missing-file.js`)).status).toBe(404);
    });

    it.each([
      "/../secret.txt",
      "/assets/../../secret.txt",
      "/..%2fsecret.txt",
      "/%2e%2e/secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/..%5csecret.txt",
      "/%00../secret.txt",
      "/....//secret.txt",
    ])("refuses to serve a file outside the dashboard for %s", async (path) => {
      const { status, body } = await rawGet(open.url, path);
      expect(body).not.toContain("TOP-SECRET");
      expect([400, 403, 404]).toContain(status);
    });

    it("streams an update when a book's status advances, and heartbeats while idle", async () => {
      const controller = new AbortController();
      const response = await fetch(`${open.url}/api/events`, { signal: controller.signal });
      expect(response.status).toBe(200);
      const events = eventStream(response);
      try {
        await events.comment("connected");
        await events.comment("heartbeat", 3000);
        const next = {
          ...seeded.books.inside,
          blockNumber: 1031n,
          timestampSec: seeded.books.inside.timestampSec + 24,
          driftBps: 450,
        };
        await store.putBookStatus(bookStatus(next));
        const update = (await events.next("update")) as UpdateEvent;
        expect(update.changed).toEqual(["eth-usdc"]);
        expect(update.books.find((b) => b.bookId === "eth-usdc")).toMatchObject({
          blockNumber: "1031",
          driftBps: 450,
          band: "near",
          colour: "amber",
        });
        // Re-writing the same block is not an advance; the next block is.
        await store.putBookStatus(bookStatus(next));
        await store.putBookStatus(
          bookStatus({ ...seeded.books.beyond, blockNumber: 1032n, timestampSec: next.timestampSec + 12 }),
        );
        const second = (await events.next("update")) as UpdateEvent;
        expect(second.changed).toEqual(["wbtc-usdc"]);
      } finally {
        controller.abort();
      }
    });

    it("serves a book whose detail its block's other books share exactly as one stored whole", async () => {
      const separate = await backend.open();
      const server = await startApiServer({ store: separate, host: "127.0.0.1", port: 0 });
      try {
        const at = { driftBps: 120, thresholdBps: 500, blockNumber: 2_000n, timestampSec: 1_700_000_000 };
        const detail = bookDetail("eth-usdc");
        // A treasury's three books at one block: one snapshot, each its own target (its steward windows).
        const grouped = [0.5, 0.8, 1].map((target, i) =>
          bookStatus(
            { ...at, bookId: `grouped-${i}` },
            {
              detail: {
                ...detail,
                targetEffectiveness: detail.targetEffectiveness.map((w) => ({
                  ...w,
                  targetHedgeRatio: target,
                })),
              },
            },
          ),
        );
        // The split applies: the batch stores its shared sections once.
        expect(splitSharedDetails(grouped).parts).toHaveLength(1);
        await separate.putBookStatuses(grouped);
        const alone = bookStatus({ ...at, bookId: "alone" }, { detail: grouped[1]!.detail });
        await separate.putBookStatus(alone);

        const read = async (bookId: string) => {
          const response = await fetch(`${server.url}/api/books/${bookId}`);
          expect(response.status).toBe(200);
          return ((await response.json()) as BookResponse).book;
        };
        const [fromGroup, fromAlone] = [await read("grouped-1"), await read("alone")];
        expect(JSON.stringify(fromGroup.detail)).toBe(JSON.stringify(fromAlone.detail));
        expect(fromGroup.detail?.stress).toEqual(STRESS_ROWS);
        expect({ ...fromGroup, bookId: "alone" }).toEqual(fromAlone);
        const stress = (await (await fetch(`${server.url}/api/stress`)).json()) as StressResponse;
        expect(stress.books.map((b) => [b.bookId, b.rows])).toEqual([
          ["alone", PUBLISHED_STRESS_ROWS],
          ["grouped-0", PUBLISHED_STRESS_ROWS],
          ["grouped-1", PUBLISHED_STRESS_ROWS],
          ["grouped-2", PUBLISHED_STRESS_ROWS],
        ]);
      } finally {
        await server.close();
        await separate.close();
      }
    });

    it("answers 500 with a short message when the store fails, and keeps serving", async () => {
      const broken = await backend.open();
      const server = await startApiServer({
        store: broken,
        host: "127.0.0.1",
        port: 0,
        keeperHealth: async () => {
          throw new Error("redis is down");
        },
      });
      try {
        await broken.close();
        for (const path of ["/api/books", "/api/books/eth-usdc", "/api/actions", "/api/stress"]) {
          const response = await fetch(`${server.url}${path}`);
          expect(response.status, path).toBe(500);
          expect(await response.json()).toEqual({ error: "internal error: the history store query failed" });
        }
        const health = await fetch(`${server.url}/healthz`);
        expect(health.status).toBe(503);
        expect(await health.json()).toMatchObject({ ok: false });
        const keeper = await fetch(`${server.url}/api/keeper`);
        expect(keeper.status).toBe(503);
        expect(((await keeper.json()) as { error: string }).error).toMatch(/keeper did not answer/);
        expect((await fetch(`${server.url}/api/books?limit=x`)).status).toBe(500);
      } finally {
        await server.close();
      }
    });
  });
}
