import { describe, expect, it } from "vitest";
import { formatPricePathCsv, parsePricePathCsv } from "./price-path.ts";

describe("parsePricePathCsv", () => {
  it("reads the required columns and the optional ones, empty cells meaning unknown", () => {
    const csv = [
      "timestamp,base_price_usd,funding_rate_daily,borrow_rate_annual,pool_volume_usd,perp_liquidity",
      "1700000000,3000.5,0.0001,0.03,125000,2500000",
      "1700000300,3001,,,,",
    ].join("\n");
    expect(parsePricePathCsv(csv)).toEqual([
      {
        timestampSec: 1_700_000_000,
        basePriceUsd: 3000.5,
        fundingRateDaily: 0.0001,
        borrowRateAnnual: 0.03,
        poolVolumeUsd: 125_000,
        perpLiquidity: 2_500_000,
      },
      { timestampSec: 1_700_000_300, basePriceUsd: 3001 },
    ]);
  });

  it("writes what it reads", () => {
    const points = [
      { timestampSec: 10, basePriceUsd: 1.5, poolVolumeUsd: 3, perpLiquidity: 1_000_000 },
      { timestampSec: 20, basePriceUsd: 2, fundingRateDaily: -0.001 },
    ];
    expect(parsePricePathCsv(formatPricePathCsv(points))).toEqual(points);
  });

  it.each([
    ["timestamp,price\n1,2\n3,4", /line 1, column 2: unknown column "price"/],
    ["timestamp\n1\n2", /line 1: missing required column "base_price_usd"/],
    ["timestamp,base_price_usd\n1,3000\n2,-1", /line 3, column base_price_usd: must be a number > 0/],
    [
      "timestamp,base_price_usd\n1,3000\n1,3000",
      /line 3, column timestamp: must be after the previous row's 1/,
    ],
    ["timestamp,base_price_usd\n1.5,3000\n2,3000", /line 2, column timestamp: must be an integer/],
    ["timestamp,base_price_usd\n1,3000\n2,", /line 3, column base_price_usd: is required/],
    ["timestamp,base_price_usd\n1,3000,7\n2,3000", /line 2: has 3 cells, the header 2/],
    [
      "timestamp,base_price_usd,funding_rate_daily\n1,3000,5\n2,3000,0",
      /line 2, column funding_rate_daily: must be a daily fraction/,
    ],
    [
      "timestamp,base_price_usd,perp_liquidity\n1,3000,-5\n2,3000,0",
      /line 2, column perp_liquidity: must be a number >= 0/,
    ],
    ["timestamp,base_price_usd\n1,3000", /rows: a price path needs at least 2 rows/],
  ])("names the line and column of a bad cell (%#)", (csv, message) => {
    expect(() => parsePricePathCsv(csv)).toThrow(message);
  });
});
