import { describe, expect, it } from "vitest";
import { makeParams, USDC } from "../engine/book-fixture.test-support.ts";
import { describeShock, parseShock, renderTable } from "./book-view.ts";

const view = { params: makeParams() };

describe("simulate's shock syntax", () => {
  it("reads percent moves, de-peg prices by symbol, basis and slippage", () => {
    expect(parseShock("price:-20", view)).toEqual({ kind: "price", pct: -0.2 });
    expect(parseShock("correlation:10", view)).toEqual({ kind: "correlation-breakdown", pct: 0.1 });
    expect(parseShock("depeg:usdc:0.8774", view)).toEqual({
      kind: "depeg",
      token: USDC.address,
      priceUsd: 0.8774,
    });
    expect(parseShock("basis:300", view)).toEqual({ kind: "basis-blowout", bps: 300 });
    expect(parseShock("liquidity:3", view)).toEqual({ kind: "liquidity-gap", slippageMultiplier: 3 });
    expect(describeShock(parseShock("depeg:USDC:0.9", view), view)).toBe("USDC at $0.9");
  });

  it("names what is wrong with a bad shock", () => {
    expect(() => parseShock("price:lots", view)).toThrow(
      'shock "price:lots": the percent move must be a number',
    );
    expect(() => parseShock("depeg:FRAX:0.9", view)).toThrow("FRAX is not one of the book's de-peg assets");
    expect(() => parseShock("moon:1", view)).toThrow(/unknown scenario or shock "moon:1"/);
  });

  it("renders aligned tables", () => {
    expect(renderTable(["a", "bb"], [["xyz", "1"]])).toBe("a    bb\n---  --\nxyz   1\n");
  });
});
