import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { renderDevnetConfig } from "../src/cli/config-templates.ts";
import { parseConfig } from "../src/config/load-config.ts";
import { devnetPrivateKey } from "../src/devnet/accounts.ts";
import { parseManifest } from "../src/devnet/manifest.ts";
import { keeperConfigOf } from "./config.ts";
import type { KeeperContext } from "./context.ts";
import { feeCaps } from "./next-stage.ts";

const manifest = parseManifest(
  JSON.parse(readFileSync(new URL("../src/config/devnet-manifest.fixture.json", import.meta.url), "utf8")),
  "fixture",
);

/** A context whose keeper options come from the devnet configuration with these lanes (network cap: 100 gwei). */
const contextWith = (lanes: unknown) => {
  const tree = parseDocument(
    renderDevnetConfig(manifest, {
      hedgeGuard: `0x${"aa".repeat(20)}`,
      hedgeBounds: `0x${"bb".repeat(20)}`,
      v4WithdrawalBounds: `0x${"cc".repeat(20)}`,
    }),
  ).toJS();
  tree.lanes = lanes;
  const config = parseConfig(JSON.stringify(tree), { env: { HK_KEEPER_PRIVATE_KEY: devnetPrivateKey(1) } });
  return {
    common: { config: keeperConfigOf(config, { network: "devnet", bookIds: ["treasury-eth"] }) },
  } as unknown as KeeperContext;
};

const lane = { replaceAfterSec: 30, feeBumpBps: 1_000 };

describe("fee caps per lane", () => {
  it("caps routine work at its lane's lower max fee and leaves urgent work at the network's", () => {
    const ctx = contextWith({ urgent: lane, routine: { ...lane, maxFeePerGasGwei: 60 } });
    expect(feeCaps(ctx, "routine").maxFeePerGas).toBe(60_000_000_000n);
    expect(feeCaps(ctx, "urgent").maxFeePerGas).toBe(100_000_000_000n);
    expect(feeCaps(ctx, "urgent").maxPriorityFeePerGas).toBe(2_000_000_000n);
  });

  it("never lets a lane raise the network's cap", () => {
    const ctx = contextWith({ urgent: { ...lane, maxFeePerGasGwei: 500 }, routine: lane });
    expect(feeCaps(ctx, "urgent").maxFeePerGas).toBe(100_000_000_000n);
  });

  it("refuses a lane fee bump below the +10% nodes require", () => {
    expect(() => contextWith({ urgent: { ...lane, feeBumpBps: 500 }, routine: lane })).toThrow(
      /lanes\.urgent\.feeBumpBps/,
    );
  });
});
