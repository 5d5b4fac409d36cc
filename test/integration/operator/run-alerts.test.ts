import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bytesToHex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../../src/devnet/accounts.ts";
import { setUpDevnetKeeper } from "../../../src/devnet/devnet-keeper-setup.ts";
import { type Devnet, startDevnet } from "../../../src/devnet/start-devnet.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { runScript, startScript } from "../../support/run-script.ts";

// `hedgekeeper run` as an operator runs it, with the hedge-quality alerts going to Telegram and PagerDuty (their
// API base URLs pointed at a local receiver): the production wiring from the keeper's evaluations through the
// conditions and the router to both sinks, configured from the file with its secrets as ${ENV} references.
const dir = mkdtempSync(join(tmpdir(), "hedgekeeper-run-alerts-"));
const manifestPath = join(dir, "devnet.json");
const keeperKey = bytesToHex(devnetAccount(DEVNET_ACCOUNT_INDEXES.keeper).getHdKey().privateKey!);
const BOT_TOKEN = "7012345678:AAF-run-test-token-not-real";
const CHAT_ID = "-1009876543210";
const ROUTING_KEY = "R0a1b2c3d4e5f60718293a4b5c6d7e8f9";
let devnet: Devnet;
let hedgeGuard: string;
let hedgeBounds: string;
let v4WithdrawalBounds: string;

beforeAll(async () => {
  devnet = await startDevnet({ port: await freeLoopbackPort(), manifestPath });
  const { scope } = await setUpDevnetKeeper(devnet.client, devnet.manifest);
  hedgeGuard = scope.hedgeGuard;
  hedgeBounds = scope.bounds.hedgeBounds;
  v4WithdrawalBounds = scope.uniswapV4!.withdrawalBounds;
}, 120_000);

afterAll(async () => {
  await devnet?.stop();
});

/** What the receiver saw: a Telegram sendMessage or a PagerDuty event, by the fields the test reads. */
interface Request {
  path: string;
  json: {
    chat_id?: string;
    text?: string;
    dedup_key?: string;
    payload?: { summary: string; custom_details: Record<string, unknown> };
  };
}

describe("hedgekeeper run with Telegram and PagerDuty sinks", () => {
  it("pages the perp mark leaving its index and σ resting on its fallback, without a secret in its output", async () => {
    const config = join(dir, "run.yaml");
    const init = await runScript("hedgekeeper", [
      "init",
      "--network",
      "devnet",
      "--manifest",
      manifestPath,
      "--hedge-guard",
      hedgeGuard,
      "--hedge-bounds",
      hedgeBounds,
      "--v4-withdrawal-bounds",
      v4WithdrawalBounds,
      "--out",
      config,
    ]);
    expect(init.code, init.stderr).toBe(0);
    const requests: Request[] = [];
    const receiver = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk: Buffer) => {
        body += chunk.toString();
      });
      request.on("end", () => {
        requests.push({ path: request.url ?? "", json: JSON.parse(body) });
        response.writeHead(request.url?.startsWith("/pd/") ? 202 : 200).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const receiverBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    const [metricsPort, apiPort] = [await freeLoopbackPort(), await freeLoopbackPort()];
    writeFileSync(
      config,
      readFileSync(config, "utf8")
        .replace(/metrics:\n {2}host: "?127\.0\.0\.1"?\n {2}port: \d+/, `metrics:\n  port: ${metricsPort}`)
        .replace(/api:\n {2}host: "?127\.0\.0\.1"?\n {2}port: \d+/, `api:\n  port: ${apiPort}`)
        .replace("dataDir: .hedgekeeper/history", `dataDir: ${join(dir, "history")}`)
        .replace("keyPrefix: hk", `keyPrefix: hk-run-alerts-${Date.now()}`)
        .replace("mode: execute", "mode: shadow")
        .replace(
          "  sinks: []",
          [
            "  sigmaFallback:",
            "    maxDurationSec: 1800",
            "  sinks:",
            "    - kind: telegram",
            "      name: treasury-telegram",
            '      botToken: "${HK_TELEGRAM_BOT_TOKEN}"',
            '      chatId: "${HK_TELEGRAM_CHAT_ID}"',
            `      apiBaseUrl: ${receiverBase}/tg`,
            "    - kind: pagerduty",
            "      name: on-call",
            '      routingKey: "${HK_PAGERDUTY_ROUTING_KEY}"',
            `      apiBaseUrl: ${receiverBase}/pd`,
          ].join("\n"),
        ),
    );
    const { child, output, exited } = startScript("hedgekeeper", ["run", "-c", config], {
      HK_KEEPER_PRIVATE_KEY: keeperKey,
      HK_TELEGRAM_BOT_TOKEN: BOT_TOKEN,
      HK_TELEGRAM_CHAT_ID: CHAT_ID,
      HK_PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
      LOG_LEVEL: "debug",
    });
    const paged = (key: string) =>
      requests.find((r) => r.path === "/pd/v2/enqueue" && r.json.dedup_key === `hedgekeeper:${key}`);
    try {
      const startDeadline = Date.now() + 60_000;
      while (Date.now() < startDeadline && !/running for treasury-eth/.test(output())) {
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      expect(output()).toMatch(/hedgekeeper all running for treasury-eth/);
      // The mark goes 6% over an unmoved index, then an hour passes (feeds refreshed): few samples, σ on fallback.
      await devnet.runScenario("basis-blowout");
      const deadline = Date.now() + 60_000;
      while (
        Date.now() < deadline &&
        !(paged("basis-mark-index:treasury-eth") && paged("sigma-fallback:treasury-eth"))
      ) {
        await devnet.testClient.mine({ blocks: 1 });
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      const basis = paged("basis-mark-index:treasury-eth");
      expect(basis, `${output()}\n${JSON.stringify(requests)}`).toBeDefined();
      expect(basis!.json).toMatchObject({
        routing_key: ROUTING_KEY,
        event_action: "trigger",
        payload: { severity: "warning", component: "treasury-eth", class: "basis-mark-index" },
      });
      expect(basis!.json.payload!.custom_details.basisBps).toBeGreaterThan(500);
      expect(paged("sigma-fallback:treasury-eth")!.json.payload!.summary).toContain(
        "is the configured fallback",
      );
      const telegram = requests.filter((r) => r.path === `/tg/bot${BOT_TOKEN}/sendMessage`);
      expect(telegram.map((r) => r.json.chat_id)).toContain(CHAT_ID);
      expect(telegram.some((r) => String(r.json.text).includes("perp mark off its index"))).toBe(true);
    } finally {
      child.kill("SIGTERM");
      receiver.close();
    }
    expect([0, 143]).toContain(await exited);
    expect(output()).not.toContain(BOT_TOKEN.split(":")[1]);
    expect(output()).not.toContain(ROUTING_KEY);
  });
});
