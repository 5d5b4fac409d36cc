import { describe, expect, it } from "vitest";
import { makeBook, makeParams, NOW_SEC, USDC } from "../engine/book-fixture.test-support.ts";
import type { LpPositionDetail } from "../evaluation/book-evaluation.ts";
import {
  type BookStatus,
  bookStatus,
  describeShock,
  parseShock,
  renderLpPosition,
  renderStatus,
  renderTable,
} from "./book-view.ts";

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

describe("status's LP positions", () => {
  const v3: LpPositionDetail = {
    id: "v3:1",
    protocol: "uniswap-v3",
    pool: "0x88e6A0c2dDD26FEEb64F039a2c41296FcB3f5640",
    inRange: true,
    valueUsd: 1_250_000,
    feesUsd: 12,
    deltaBase: 200,
    lpFeePips: 500,
    dynamicFee: false,
    hook: null,
  };
  const hookedV4: LpPositionDetail = {
    id: "v4:3",
    protocol: "uniswap-v4",
    pool: "0x21c67e77068de97969ba93d4aab21826d33ca12bb9f565d8496e8fda8a82ca27",
    inRange: true,
    valueUsd: 60_000,
    feesUsd: 0,
    deltaBase: 10,
    lpFeePips: 10_000,
    dynamicFee: true,
    hook: { address: "0xCf48309CE5a3231D8964b49D5544c7229d3f5000", permissions: ["afterInitialize"] },
  };
  const stableV4: LpPositionDetail = {
    ...hookedV4,
    id: "v4:2",
    inRange: false,
    valueUsd: 200_000,
    lpFeePips: 10,
    dynamicFee: false,
    hook: null,
  };

  it("lists v4 positions beside v3 ones, marking a hooked pool with its hook and what it may do", () => {
    const status: BookStatus = {
      bookId: "treasury-eth",
      mode: "execute",
      blockNumber: 100n,
      bookValueUsd: 1_510_000,
      basePriceUsd: 3_000,
      hedgeRatio: 0.9,
      targetHedgeRatio: 0.9,
      driftBps: 0,
      armBps: 200,
      rearmBps: 100,
      band: "inside-rearm",
      impermanentLossUsd: 0,
      lpPositions: [v3, stableV4, hookedV4],
      perp: null,
      hedgeLegs: [],
      oracle: { fresh: true, ageSec: 10, problem: null },
      depeg: [],
      warnings: [],
    };
    const lines = renderStatus(status, "ok").split("\n");
    expect(lines).toContain("  LP v3:1 · uniswap-v3 · $1,250,000 · fee 0.05%");
    expect(lines).toContain("  LP v4:2 · uniswap-v4 · $200,000 · fee 0.0010% · out of range");
    expect(lines).toContain(
      "  LP v4:3 · uniswap-v4 · $60,000 · fee 1.00% (dynamic, set by the hook) · HOOKED 0xCf48309CE5a3231D8964b49D5544c7229d3f5000 (afterInitialize)",
    );
    expect(renderLpPosition({ ...hookedV4, hook: { ...hookedV4.hook!, permissions: [] } })).toContain(
      "(no permissions)",
    );
  });

  it("carries every LP position the book holds, as the evaluation details them", () => {
    const snapshot = makeBook({ positions: 3 });
    const status = bookStatus({
      bookId: snapshot.bookId,
      mode: "execute",
      params: makeParams(),
      indexed: {
        snapshot,
        feedHealth: {},
        poolTwapTicks: {},
        warnings: [],
        requests: 0,
        aaveLiquidations: [],
      },
      snapshot,
      nowSec: NOW_SEC,
    });
    expect(status.lpPositions.map((p) => p.protocol)).toEqual(snapshot.lpPositions.map((p) => p.kind));
    expect(status.lpPositions.every((p) => p.hook === null && p.valueUsd > 0)).toBe(true);
  });
});
