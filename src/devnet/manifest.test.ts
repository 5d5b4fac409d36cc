import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  assertManifestChain,
  type DevnetManifest,
  DevnetManifestError,
  parseManifest,
  readManifest,
} from "./manifest.ts";

function writeTemp(content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "manifest-")), "devnet.json");
  writeFileSync(path, content);
  return path;
}

describe("devnet manifest", () => {
  it("tells how to create it when it is missing", () => {
    expect(() => readManifest("/nonexistent/devnet.json")).toThrow(/npm run devnet/);
  });

  it("names the first bad key of a malformed manifest", () => {
    const path = writeTemp(JSON.stringify({ version: 1, chainId: "31337" }));
    expect(() => readManifest(path)).toThrow(DevnetManifestError);
    expect(() => readManifest(path)).toThrow(/chainId/);
  });

  it("rejects a manifest from another chain with one line naming both chain ids", () => {
    const manifest = { chainId: 1, rpcUrl: "http://127.0.0.1:8545" } as DevnetManifest;
    expect(() => assertManifestChain(manifest, 31337, "deployments/devnet.json")).toThrow(
      "deployments/devnet.json describes chain 1 but the node at http://127.0.0.1:8545 is chain 31337: restart the devnet or point to the right manifest",
    );
  });

  it("parses a manifest written before the devnet had Aave v3, and one with it", () => {
    const fixture = JSON.parse(
      readFileSync(new URL("../config/devnet-manifest.fixture.json", import.meta.url), "utf8"),
    ) as DevnetManifest;
    expect(parseManifest(fixture, "fixture").aave?.pool).toBe("0x87870Bca3F3fD6335C3F4ce8392D69350B4fA4E2");
    const { aave: _aave, ...older } = fixture;
    expect(parseManifest(older, "older manifest").aave).toBeUndefined();
  });
});
