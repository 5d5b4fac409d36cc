import fc from "fast-check";
import hre from "hardhat";
import { BaseError, ContractFunctionRevertedError, type Hex, maxUint256, toHex } from "viem";
import { describe, expect, it } from "vitest";

// OracleBounds (through OracleBoundsHarness) against a reference written with unbounded integers: the rational value
// computed as stated, rounded once. Inside its documented domain the library must equal the reference whenever the
// result fits in 256 bits and revert with an arithmetic panic (never wrap) when it does not.
const { viem } = await hre.network.connect();
const harness = await viem.deployContract("OracleBoundsHarness");

const BPS = 10_000n;
const RUNS = { numRuns: 150, seed: 14 };

const divUp = (n: bigint, d: bigint) => (n + d - 1n) / d;

/** amount × (priceFrom / 10^decimalsFrom) / (priceTo / 10^decimalsTo) × factorBps / BPS, as one fraction. */
function referenceConvert(
  amount: bigint,
  priceFrom: bigint,
  decimalsFrom: bigint,
  priceTo: bigint,
  decimalsTo: bigint,
  factorBps: bigint,
  roundUp: boolean,
): bigint {
  const numerator = amount * priceFrom * 10n ** decimalsTo * factorBps;
  const denominator = priceTo * 10n ** decimalsFrom * BPS;
  return roundUp ? divUp(numerator, denominator) : numerator / denominator;
}

type Outcome = { value: bigint } | { overflow: true };

/** The harness's answer: its value, or an arithmetic-overflow panic (any other failure fails the test). */
async function outcome<T>(call: Promise<T>): Promise<{ value: T } | { overflow: true }> {
  try {
    return { value: await call };
  } catch (error) {
    const reverted =
      error instanceof BaseError
        ? (error.walk(
            (e) => e instanceof ContractFunctionRevertedError,
          ) as ContractFunctionRevertedError | null)
        : null;
    expect(reverted?.data?.errorName, String(error)).toBe("Panic");
    expect(reverted?.data?.args).toEqual([0x11n]);
    return { overflow: true };
  }
}

/** Equal to the reference when it fits in 256 bits, an overflow when it does not. Returns whether it fit. */
function expectMatches(actual: Outcome, reference: bigint): boolean {
  const fits = reference <= maxUint256;
  expect(actual).toEqual(fits ? { value: reference } : { overflow: true });
  return fits;
}

// Feed answers from 1 to 1e30 in feed units; amounts up to 1e30 raw units (1e12 tokens of 18 decimals).
const price = fc.bigInt({ min: 1n, max: 10n ** 30n });
const amount = fc.bigInt({ min: 0n, max: 10n ** 30n });
const slippageBps = fc.bigInt({ min: 0n, max: BPS - 1n });
// The decimals OracleBounds takes are feedDecimals + tokenDecimals: real ones (feeds 8 or 18; tokens 6, 8, 18)
// and any pair in 0..18.
const realDecimals = fc
  .tuple(fc.constantFrom(8n, 18n), fc.constantFrom(6n, 8n, 18n))
  .map(([feed, token]) => feed + token);
const anyDecimals = fc.tuple(fc.nat(18), fc.nat(18)).map(([feed, token]) => BigInt(feed + token));
const decimals = fc.oneof(realDecimals, anyDecimals);

/** Runs `property` and requires most runs to land where the result fits (the property is not vacuous). */
async function assertMostlyFit<T>(
  arbitrary: fc.Arbitrary<T>,
  property: (input: T) => Promise<boolean>,
): Promise<void> {
  let fitted = 0;
  let runs = 0;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (input) => {
      runs += 1;
      if (await property(input)) fitted += 1;
    }),
    RUNS,
  );
  expect(fitted / runs).toBeGreaterThan(0.5);
}

describe("OracleBounds (property, against an unbounded-integer reference)", () => {
  it("minAmountOut is the oracle value of the input less slippage, rounded up", async () => {
    await assertMostlyFit(
      fc.record({
        amountIn: amount,
        priceIn: price,
        decimalsIn: decimals,
        priceOut: price,
        decimalsOut: decimals,
        slippageBps,
      }),
      async ({ amountIn, priceIn, decimalsIn, priceOut, decimalsOut, slippageBps: slip }) => {
        const actual = await outcome(
          harness.read.minAmountOut([amountIn, priceIn, decimalsIn, priceOut, decimalsOut, slip]),
        );
        const reference = referenceConvert(
          amountIn,
          priceIn,
          decimalsIn,
          priceOut,
          decimalsOut,
          BPS - slip,
          true,
        );
        return expectMatches(actual, reference);
      },
    );
  });

  it("minQuoteOut and maxQuoteIn bracket the 18-decimal notional at $1 per quote unit", async () => {
    await assertMostlyFit(
      fc.record({ amountBase: amount, price, decimalsBase: decimals, slippageBps }),
      async ({ amountBase, price: answer, decimalsBase, slippageBps: slip }) => {
        const [minOut, maxIn] = await Promise.all([
          outcome(harness.read.minQuoteOut([amountBase, answer, decimalsBase, slip])),
          outcome(harness.read.maxQuoteIn([amountBase, answer, decimalsBase, slip])),
        ]);
        const fitsMin = expectMatches(
          minOut,
          referenceConvert(amountBase, answer, decimalsBase, 1n, 18n, BPS - slip, true),
        );
        const fitsMax = expectMatches(
          maxIn,
          referenceConvert(amountBase, answer, decimalsBase, 1n, 18n, BPS + slip, false),
        );
        return fitsMin && fitsMax;
      },
    );
  });

  it("reverts with an overflow panic instead of wrapping when a result exceeds 256 bits", async () => {
    // $1e30 in for $1 out across a 36-decimal shift: 1e30 × 1e30 × 1e36 raw units.
    const actual = await outcome(harness.read.minAmountOut([10n ** 30n, 10n ** 30n, 0n, 1n, 36n, 0n]));
    expect(expectMatches(actual, referenceConvert(10n ** 30n, 10n ** 30n, 0n, 1n, 36n, BPS, true))).toBe(
      false,
    );
  });

  it("oraclePriceX128 is raw token1 per raw token0 at the oracle prices, as a Q128, rounded down", async () => {
    await assertMostlyFit(
      fc.record({ price0: price, decimals0: realDecimals, price1: price, decimals1: realDecimals }),
      async ({ price0, decimals0, price1, decimals1 }) => {
        const actual = await outcome(harness.read.oraclePriceX128([price0, decimals0, price1, decimals1]));
        const reference = (price0 * 10n ** decimals1 * 2n ** 128n) / (price1 * 10n ** decimals0);
        return expectMatches(actual, reference);
      },
    );
  });

  it("poolPriceX128 is sqrtPriceX96² / 2^64 for every sqrt price below 2^160, without reverting", async () => {
    await fc.assert(
      fc.asyncProperty(fc.bigInt({ min: 0n, max: 2n ** 160n - 1n }), async (sqrtPriceX96) => {
        expect(await harness.read.poolPriceX128([sqrtPriceX96])).toBe(
          (sqrtPriceX96 * sqrtPriceX96) / 2n ** 64n,
        );
      }),
      RUNS,
    );
  });

  it("withinBand is exactly reference × (1 ± slippage), edges included, for any uint256 prices", async () => {
    // Multiples of BPS put the band's edges on integers, so a price can sit exactly on one.
    const reference = fc.oneof(
      fc.bigInt({ min: 0n, max: maxUint256 }),
      fc.bigInt({ min: 0n, max: 2n ** 160n }),
      fc.bigInt({ min: 0n, max: 2n ** 160n }).map((m) => m * BPS),
    );
    // Prices at the band's edges (± a few units) as well as anywhere.
    const priceNear = (ref: bigint, slip: bigint) =>
      fc.oneof(
        fc.bigInt({ min: -3n, max: 3n }).map((k) => divUp(ref * (BPS - slip), BPS) + k),
        fc.bigInt({ min: -3n, max: 3n }).map((k) => (ref * (BPS + slip)) / BPS + k),
        fc.bigInt({ min: 0n, max: maxUint256 }),
      );
    const input = fc
      .tuple(reference, slippageBps)
      .chain(([ref, slip]) => priceNear(ref, slip).map((p) => ({ ref, slip, priceX128: p })))
      .filter(({ priceX128 }) => priceX128 >= 0n && priceX128 <= maxUint256);
    await fc.assert(
      fc.asyncProperty(input, async ({ ref, slip, priceX128 }) => {
        const expected = priceX128 * BPS >= ref * (BPS - slip) && priceX128 * BPS <= ref * (BPS + slip);
        expect(await harness.read.withinBand([priceX128, ref, slip])).toBe(expected);
      }),
      { ...RUNS, numRuns: 200 },
    );
  });

  it("decodeExtra reads uint16 slippage from the first 2 bytes and uint80 ceiling from the last 10", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.bigInt({ min: 0n, max: 2n ** 16n - 1n }),
        fc.bigInt({ min: 0n, max: 2n ** 80n - 1n }),
        async (maxSlippageBps, ceilingWholeUnits) => {
          const extra = `0x${maxSlippageBps.toString(16).padStart(4, "0")}${ceilingWholeUnits
            .toString(16)
            .padStart(20, "0")}` as Hex;
          expect(extra).toBe(toHex((maxSlippageBps << 80n) | ceilingWholeUnits, { size: 12 }));
          expect(await harness.read.decodeExtra([extra])).toEqual([maxSlippageBps, ceilingWholeUnits]);
        },
      ),
      RUNS,
    );
  });
});
