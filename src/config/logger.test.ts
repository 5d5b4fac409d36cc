import { describe, expect, it } from "vitest";
import { createLogger, LOG_FIELDS } from "./logger.ts";

function capture() {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe("createLogger", () => {
  it("writes JSON lines with the stable snake_case fields", () => {
    const out = capture();
    const log = createLogger({ destination: out.destination });
    log.info(
      { [LOG_FIELDS.chainId]: 1, [LOG_FIELDS.bookId]: "treasury-eth", [LOG_FIELDS.durationMs]: 12 },
      "snapshot read",
    );
    const line = JSON.parse(out.lines[0]!);
    expect(line).toMatchObject({
      level: "info",
      msg: "snapshot read",
      chain_id: 1,
      book_id: "treasury-eth",
      duration_ms: 12,
    });
  });

  it("censors secret keys at any depth and scrubs RPC credentials and secret values from every line", () => {
    const out = capture();
    const rpc = "https://user:pa55word@eth.example.com/v2/AbCdEfGhIjKlMnOpQrStUv";
    const key = `0x${"cd".repeat(32)}`;
    const log = createLogger({ destination: out.destination, scrub: { urls: [rpc], values: [key] } });
    log.info({ keeper: { privateKey: key }, nested: { deeper: { hmacSecret: "s3cr3t-value" } } }, "start");
    log.error({ err: new Error(`request to ${rpc} failed`) }, `cannot reach ${rpc}`);
    log.warn(`signer ${key} loaded`);
    const text = out.lines.join("");
    expect(text).not.toContain("pa55word");
    expect(text).not.toContain("AbCdEfGhIjKlMnOpQrStUv");
    expect(text).not.toContain(key);
    expect(text).not.toContain("s3cr3t-value");
    expect(text).toContain("eth.example.com");
  });
});
