import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.ts";
import { oraclePerpQuoteBound, oracleSwapMinOut } from "./oracle-bounds.ts";

const usd = (x: number) => ({ answer: BigInt(Math.round(x * 1e8)), decimals: 8 });

describe("oracle swap minimum", () => {
  it("values the input at the feeds and takes the slippage off: 100,000 USDT at $0.95 into USDC at $1, 30 bps", () => {
    const min = oracleSwapMinOut({
      amountIn: 100_000n * 10n ** 6n,
      tokenInDecimals: 6,
      tokenOutDecimals: 6,
      priceIn: usd(0.95),
      priceOut: usd(1),
      slippageBps: 30n,
    });
    expect(min).toBe(94_715n * 10n ** 6n);
  });

  it("scales across token and feed decimals: 1 WETH (18) at $3,000 into USDC (6) at $1, 18-decimal feed", () => {
    const min = oracleSwapMinOut({
      amountIn: 10n ** 18n,
      tokenInDecimals: 18,
      tokenOutDecimals: 6,
      priceIn: usd(3000),
      priceOut: { answer: 10n ** 18n, decimals: 18 },
      slippageBps: 50n,
    });
    expect(min).toBe(2_985n * 10n ** 6n);
  });

  it("rounds up: the exact value 2/3 of a unit becomes 1", () => {
    const min = oracleSwapMinOut({
      amountIn: 2n,
      tokenInDecimals: 0,
      tokenOutDecimals: 0,
      priceIn: { answer: 1n, decimals: 0 },
      priceOut: { answer: 3n, decimals: 0 },
      slippageBps: 0n,
    });
    expect(min).toBe(1n);
  });

  it("is the least integer at or above the exact rational bound, for any input", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 30n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 0, max: 18 }),
        fc.integer({ min: 0, max: 18 }),
        fc.bigInt({ min: 0n, max: 9_999n }),
        (amountIn, pIn, pOut, decIn, decOut, slip) => {
          const min = oracleSwapMinOut({
            amountIn,
            tokenInDecimals: decIn,
            tokenOutDecimals: decOut,
            priceIn: { answer: pIn, decimals: 8 },
            priceOut: { answer: pOut, decimals: 8 },
            slippageBps: slip,
          });
          const num = amountIn * pIn * 10n ** BigInt(8 + decOut) * (10_000n - slip);
          const den = pOut * 10n ** BigInt(8 + decIn) * 10_000n;
          return min * den >= num && (min - 1n) * den < num;
        },
      ),
    );
  });

  it("refuses a non-positive answer, a slippage of 100% or more, and bad decimals, naming the field", () => {
    const ok = {
      amountIn: 1n,
      tokenInDecimals: 6,
      tokenOutDecimals: 6,
      priceIn: usd(1),
      priceOut: usd(1),
      slippageBps: 30n,
    };
    expect(oracleSwapMinOut(ok)).toBe(1n); // positive control
    expect(() => oracleSwapMinOut({ ...ok, priceOut: { answer: 0n, decimals: 8 } })).toThrow(
      /priceOut.answer/,
    );
    expect(() => oracleSwapMinOut({ ...ok, slippageBps: 10_000n })).toThrow(EngineInputError);
    expect(() => oracleSwapMinOut({ ...ok, tokenInDecimals: 1.5 })).toThrow(/tokenInDecimals/);
  });
});

describe("oracle perp quote bound", () => {
  const tenEth = 10n * 10n ** 18n;

  it("selling base: at least the notional at the feed less slippage (10 ETH at $3,000, 100 bps → 29,700 vUSD)", () => {
    expect(
      oraclePerpQuoteBound({ amountBase: tenEth, isBaseToQuote: true, price: usd(3000), slippageBps: 100n }),
    ).toBe(29_700n * 10n ** 18n);
  });

  it("buying base: at most the notional at the feed plus slippage (10 ETH at $3,000, 100 bps → 30,300 vUSD)", () => {
    expect(
      oraclePerpQuoteBound({ amountBase: tenEth, isBaseToQuote: false, price: usd(3000), slippageBps: 100n }),
    ).toBe(30_300n * 10n ** 18n);
  });

  it("rounds toward the treasury: a minimum up, a maximum down", () => {
    const price = { answer: 1n, decimals: 1 }; // $0.1: 1 wei of base is 0.1 wei of quote
    expect(oraclePerpQuoteBound({ amountBase: 1n, isBaseToQuote: true, price, slippageBps: 0n })).toBe(1n);
    expect(oraclePerpQuoteBound({ amountBase: 1n, isBaseToQuote: false, price, slippageBps: 0n })).toBe(0n);
  });

  it("is the tightest integer on the treasury's side of notional × (1 ∓ slippage), for any input", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 27n }),
        fc.bigInt({ min: 1n, max: 10n ** 13n }),
        fc.bigInt({ min: 0n, max: 9_999n }),
        (amountBase, answer, slip) => {
          const price = { answer, decimals: 8 };
          const min = oraclePerpQuoteBound({ amountBase, isBaseToQuote: true, price, slippageBps: slip });
          const max = oraclePerpQuoteBound({ amountBase, isBaseToQuote: false, price, slippageBps: slip });
          const den = 10n ** 8n * 10_000n;
          const low = amountBase * answer * (10_000n - slip);
          const high = amountBase * answer * (10_000n + slip);
          return min * den >= low && (min - 1n) * den < low && max * den <= high && (max + 1n) * den > high;
        },
      ),
    );
  });

  it("refuses a feed answer at or below zero", () => {
    expect(() =>
      oraclePerpQuoteBound({ amountBase: 1n, isBaseToQuote: true, price: usd(0), slippageBps: 5n }),
    ).toThrow(/price.answer/);
  });
});
