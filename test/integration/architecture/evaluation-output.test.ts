import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluationHistory } from "../../../keeper/evaluation-history.ts";
import { type ApiServer, startApiServer } from "../../../src/api/api-server.ts";
import type { BookResponse } from "../../../src/api/api-types.ts";
import { makeBook, makeParams, NOW_SEC } from "../../../src/engine/book-fixture.test-support.ts";
import { evaluateBook } from "../../../src/engine/book-metrics.ts";
import { syntheticSamples } from "../../../src/engine/samples-fixture.test-support.ts";
import { bookSampleOf } from "../../../src/indexers/book-sample.ts";
import type { HistoryStore } from "../../../src/store/history-store.ts";
import { openHistoryStore } from "../../../src/store/open-history-store.ts";

// One evaluation output (src/evaluation/book-evaluation.ts), defined once: what the keeper produces is what the
// API serves and the dashboard draws, and a field added to it is asked of every producer by the compiler.

const SCHEMA = resolve("src/evaluation/book-evaluation.ts");
/** The files that build a BookDetail (the keeper, the test fixtures) and the ones that only read it. */
const PRODUCERS = [
  "keeper/evaluation-history.ts",
  "test/integration/api/history-fixture.ts",
  "test/browser/dashboard.test.ts",
];
const READERS = [
  "src/api/api-routes.ts",
  "src/api/api-types.ts",
  "dashboard/src/views/book-facts.ts",
  "dashboard/src/main.ts",
];

/** Type errors of `roots` when the evaluation output's schema has one more field, `probeUsd`. */
function diagnosticsWithAddedField(roots: readonly string[]): { file: string; message: string }[] {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve("tsconfig.json"),
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
      },
    },
  );
  if (config === undefined) throw new Error("tsconfig.json did not parse");
  // The dashboard's files need the DOM; the rest are indifferent to it.
  const options = { ...config.options, lib: ["lib.es2023.d.ts", "lib.dom.d.ts", "lib.dom.iterable.d.ts"] };
  const host = ts.createCompilerHost(options);
  const schemaText = readFileSync(SCHEMA, "utf8");
  const withField = schemaText.replace(
    "export const bookDetailSchema = z.object({\n",
    "export const bookDetailSchema = z.object({\n  probeUsd: z.number(),\n",
  );
  expect(withField).not.toBe(schemaText);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, ...rest) =>
    resolve(fileName) === SCHEMA
      ? ts.createSourceFile(fileName, withField, languageVersion)
      : getSourceFile(fileName, languageVersion, ...rest);
  const program = ts.createProgram(
    roots.map((r) => resolve(r)),
    options,
    host,
  );
  return ts.getPreEmitDiagnostics(program).map((d) => ({
    file: d.file === undefined ? "" : d.file.fileName.replace(`${resolve(".")}/`, ""),
    message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
  }));
}

describe("the evaluation output", () => {
  it("asks every producer for a field added to it, and no reader", () => {
    const diagnostics = diagnosticsWithAddedField([...PRODUCERS, ...READERS]);
    expect(
      diagnostics.every((d) => d.message.includes("probeUsd")),
      JSON.stringify(diagnostics),
    ).toBe(true);
    expect([...new Set(diagnostics.map((d) => d.file))].sort()).toEqual([...PRODUCERS].sort());
  });

  describe("served by the API", () => {
    let store: HistoryStore;
    let api: ApiServer;
    beforeAll(async () => {
      store = await openHistoryStore({ dataDir: "memory://" });
      api = await startApiServer({ store, host: "127.0.0.1", port: 0 });
    });
    afterAll(async () => {
      await api?.close();
      await store?.close();
    });

    it("reaches the book response whole, every field as the keeper produced it", async () => {
      const snapshot = makeBook({ hedgeRatio: 0.8 });
      const params = makeParams();
      const metrics = evaluateBook(snapshot, params, NOW_SEC);
      const previous = syntheticSamples(70, 0.95);
      // The block after the synthetic series, so the effectiveness windows have their samples.
      const sample = {
        ...bookSampleOf(snapshot, metrics),
        blockNumber: 21_000_000n + BigInt(previous.length),
        timestampSec: 1_750_000_000 + 12 * previous.length,
      };
      const { status } = evaluationHistory({
        chainId: 1,
        snapshot,
        params,
        metrics,
        sample,
        previous,
        stored: null,
        executions: [],
        nowSec: NOW_SEC,
      });
      expect(status.detail.effectiveness.length).toBeGreaterThan(0);
      expect(status.detail.stress.length).toBeGreaterThan(0);
      await store.putBookStatus(status);

      const response = await fetch(`${api.url}/api/books/${encodeURIComponent(status.bookId)}`);
      expect(response.status).toBe(200);
      const body = (await response.json()) as BookResponse;
      expect(body.book.detail).toEqual(JSON.parse(JSON.stringify(status.detail)));
    });
  });
});
