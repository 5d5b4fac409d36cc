// The process's alerting as `hedgekeeper run` wires it (start-hedgekeeper.ts createAlerting): keeper events in,
// active alerts out to the router, on the process clock. Here: superseded plans reach `plans-superseded`.
import { readFileSync } from "node:fs";
import pino from "pino";
import { describe, expect, it } from "vitest";
import type { Alert } from "../src/alerts/alert.ts";
import { renderDevnetConfig } from "../src/cli/config-templates.ts";
import { parseConfig } from "../src/config/load-config.ts";
import { devnetPrivateKey } from "../src/devnet/accounts.ts";
import { parseManifest } from "../src/devnet/manifest.ts";
import { createAlerting } from "./start-hedgekeeper.ts";

const manifest = parseManifest(
  JSON.parse(readFileSync(new URL("../src/config/devnet-manifest.fixture.json", import.meta.url), "utf8")),
  "fixture",
);
const config = parseConfig(
  renderDevnetConfig(manifest, {
    hedgeGuard: `0x${"aa".repeat(20)}`,
    hedgeBounds: `0x${"bb".repeat(20)}`,
    v4WithdrawalBounds: `0x${"cc".repeat(20)}`,
  }),
  { env: { HK_KEEPER_PRIVATE_KEY: devnetPrivateKey(1) } },
);

describe("the process's alerting", () => {
  it("raises plans-superseded on the third superseded plan of a book within the window, and clears it after", async () => {
    expect(config.alerts.supersededPlans).toEqual({ count: 3, windowSec: 900 });
    let nowMs = 1_700_000_000_000;
    const routed: Alert[][] = [];
    const alerting = createAlerting({
      config,
      logger: pino({ level: "silent" }),
      clock: { nowMs: () => nowMs },
      books: [],
      route: async (active) => {
        routed.push(active);
      },
    });
    const superseded = (n: number, bookId = "treasury-usdc") =>
      alerting.onKeeperEvent({
        kind: "plan.superseded",
        planId: `0x${n.toString(16).padStart(64, "0")}`,
        bookId,
        reason: `superseded: the pool moved (${n})`,
      });
    const keysNow = async () => {
      await alerting.update();
      return routed.at(-1)!.map((alert) => alert.key);
    };

    superseded(1);
    nowMs += 60_000;
    superseded(2);
    // Control: another book's plan does not count for this one.
    superseded(3, "treasury-eth");
    expect(await keysNow()).not.toContain("plans-superseded:treasury-usdc");
    nowMs += 60_000;
    superseded(4);
    expect(await keysNow()).toContain("plans-superseded:treasury-usdc");
    const alert = routed.at(-1)!.find((a) => a.key === "plans-superseded:treasury-usdc")!;
    expect(alert.text).toContain("superseded: the pool moved (4)");
    // 900 s after the first, it has left the window: two remain, the condition clears.
    nowMs += 780_000;
    expect(await keysNow()).not.toContain("plans-superseded:treasury-usdc");
  });
});
