import { describe, expect, it } from "vitest";
import { redactRpcUrl, scrubRpcUrls } from "./rpc-url.ts";

describe("redactRpcUrl", () => {
  it("hides an API key carried as a path segment", () => {
    expect(redactRpcUrl("https://eth-mainnet.g.alchemy.com/v2/AbCdEf0123456789xyzXYZ")).toBe(
      "https://eth-mainnet.g.alchemy.com/v2/***",
    );
  });

  it("hides user info and query values but keeps host, port and short path segments", () => {
    expect(redactRpcUrl("https://user:pa55@rpc.example.org:8443/mainnet?apikey=123&x=1")).toBe(
      "https://***:***@rpc.example.org:8443/mainnet?apikey=***&x=***",
    );
    expect(redactRpcUrl("http://127.0.0.1:8545")).toBe("http://127.0.0.1:8545/");
  });
});

describe("scrubRpcUrls", () => {
  it("removes the URL and each of its secrets from arbitrary text", () => {
    const url = "https://mainnet.infura.io/v3/0123456789abcdef0123456789abcdef";
    const text = `request to ${url} failed; key 0123456789abcdef0123456789abcdef rejected`;
    const scrubbed = scrubRpcUrls(text, [url]);
    expect(scrubbed).not.toContain("0123456789abcdef0123456789abcdef");
    expect(scrubbed).toContain("https://mainnet.infura.io/v3/***");
  });
});
