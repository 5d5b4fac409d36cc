import { describe, expect, it } from "vitest";
import { type BlockHeader, HeaderChain } from "./header-chain.ts";

const hash = (label: string) => `0x${label.padStart(64, "0")}` as const;
const header = (number: number, label: string, parent: string): BlockHeader => ({
  number: BigInt(number),
  hash: hash(label),
  parentHash: hash(parent),
  timestamp: BigInt(number * 12),
});

describe("HeaderChain", () => {
  const canonical = [header(10, "a10", "a9"), header(11, "a11", "a10"), header(12, "a12", "a11")];

  it("accepts a header whose parent is the tip", () => {
    const chain = new HeaderChain(64, canonical);
    expect(chain.classify(header(13, "a13", "a12"))).toEqual({ kind: "extends" });
  });

  it("reports a reorg when the next header's parent is not the tip, orphaning the tip", () => {
    const chain = new HeaderChain(64, canonical);
    const step = chain.classify(header(13, "b13", "b12"));
    expect(step.kind).toBe("reorg");
    expect(step.kind === "reorg" && step.orphaned.map((h) => h.number)).toEqual([12n]);
  });

  it("reports a reorg when a different block appears at a height it already holds", () => {
    const chain = new HeaderChain(64, canonical);
    const step = chain.classify(header(11, "b11", "a10"));
    expect(step.kind === "reorg" && step.orphaned.map((h) => h.number)).toEqual([11n, 12n]);
  });

  it("recognises a block it already holds as a duplicate", () => {
    const chain = new HeaderChain(64, canonical);
    expect(chain.classify(header(11, "a11", "a10"))).toEqual({ kind: "duplicate" });
  });

  it("reports the missing range when a header skips ahead", () => {
    const chain = new HeaderChain(64, canonical);
    expect(chain.classify(header(16, "a16", "a15"))).toEqual({
      kind: "gap",
      missingFrom: 13n,
      missingTo: 15n,
    });
  });

  it("truncates at a fork point and then accepts the new branch", () => {
    const chain = new HeaderChain(64, canonical);
    const orphaned = chain.truncateFrom(11n);
    expect(orphaned.map((h) => h.hash)).toEqual([hash("a11"), hash("a12")]);
    chain.append(header(11, "b11", "a10"));
    expect(chain.tip?.hash).toBe(hash("b11"));
    expect(chain.agreesWith(header(10, "a10", "a9"))).toBe(true);
  });

  it("keeps only the last maxDepth headers", () => {
    const chain = new HeaderChain(2, canonical);
    expect(chain.at(10n)).toBeUndefined();
    expect(chain.at(11n)?.hash).toBe(hash("a11"));
  });

  it("refuses to append a header that does not extend the tip", () => {
    const chain = new HeaderChain(64, canonical);
    expect(() => chain.append(header(13, "b13", "b12"))).toThrow(/reorg/);
  });
});
