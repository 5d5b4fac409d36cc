import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getSqrtRatioAtTick } from "./tick-math.ts";
import { b, j, sdk, sdkCore } from "./uniswap-sdk.test-support.ts";
import { type InitializedTick, walkV3Swap, wholeTickWindow } from "./v3-swap-walk.ts";

const E18 = 10n ** 18n;
const TOKEN0 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000001", 18);
const TOKEN1 = new sdkCore.Token(1, "0x0000000000000000000000000000000000000002", 18);

/** Positions [lower, upper) with their liquidity, as the pool's initialized ticks (liquidityNet summed per tick). */
function ticksOf(positions: { lower: number; upper: number; liquidity: bigint }[]): InitializedTick[] {
  const net = new Map<number, bigint>();
  for (const p of positions) {
    net.set(p.lower, (net.get(p.lower) ?? 0n) + p.liquidity);
    net.set(p.upper, (net.get(p.upper) ?? 0n) - p.liquidity);
  }
  return [...net]
    .filter(([, n]) => n !== 0n)
    .map(([tick, liquidityNet]) => ({ tick, liquidityNet }))
    .sort((x, y) => x.tick - y.tick);
}

/** The SDK's Pool.swap (a port of v3-core's loop, TickList standing in for the bitmap) for the same swap. */
async function sdkSwap(
  pool: { sqrtPriceX96: bigint; tick: number; liquidity: bigint; fee: number; ticks: InitializedTick[] },
  zeroForOne: boolean,
  amountSpecified: bigint,
): Promise<{ amountIn: bigint; amountOut: bigint }> {
  const ticks = pool.ticks.map(
    (t) =>
      new sdk.Tick({
        index: t.tick,
        liquidityGross: j(t.liquidityNet < 0n ? -t.liquidityNet : t.liquidityNet),
        liquidityNet: j(t.liquidityNet),
      }),
  );
  const p = new sdk.Pool(TOKEN0, TOKEN1, pool.fee, j(pool.sqrtPriceX96), j(pool.liquidity), pool.tick, ticks);
  const [tokenIn, tokenOut] = zeroForOne ? [TOKEN0, TOKEN1] : [TOKEN1, TOKEN0];
  if (amountSpecified > 0n) {
    const [out] = await p.getOutputAmount(sdkCore.CurrencyAmount.fromRawAmount(tokenIn, j(amountSpecified)));
    return { amountIn: amountSpecified, amountOut: b(out.quotient) };
  }
  const [paid] = await p.getInputAmount(sdkCore.CurrencyAmount.fromRawAmount(tokenOut, j(-amountSpecified)));
  return { amountIn: b(paid.quotient), amountOut: -amountSpecified };
}

describe("walkV3Swap", () => {
  it("swaps exactly as the v3 SDK's pool across random positions, both directions, exact input and output", async () => {
    // Fee 0.3% (spacing 60); a price near tick 80,000; up to four positions, one always holding the price; swaps up
    // to a few thousand base or quote that cross several of their ticks and bitmap word ends.
    const position = fc.record({
      lower: fc.integer({ min: 1_100, max: 1_333 }).map((c) => c * 60),
      width: fc.integer({ min: 1, max: 150 }).map((c) => c * 60),
      liquidity: fc.bigInt({ min: 1n, max: 5_000_000n }).map((l) => l * E18),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(position, { minLength: 0, maxLength: 3 }),
        fc.integer({ min: 80_000 - 59, max: 80_000 + 59 }),
        fc.boolean(),
        fc.boolean(),
        fc.bigInt({ min: 1n, max: 3_000n * E18 }),
        async (extra, tick, zeroForOne, exactIn, amount) => {
          // The wide position keeps liquidity at every price a swap reaches.
          const positions = [
            { lower: 60_000, upper: 100_020, liquidity: 1_000_000n * E18 },
            ...extra.map((p) => ({ lower: p.lower, upper: p.lower + p.width, liquidity: p.liquidity })),
          ];
          const ticks = ticksOf(positions);
          const liquidity = positions
            .filter((p) => p.lower <= tick && tick < p.upper)
            .reduce((sum, p) => sum + p.liquidity, 0n);
          const sqrtPriceX96 = (getSqrtRatioAtTick(tick) + getSqrtRatioAtTick(tick + 1)) / 2n;
          const walked = walkV3Swap(
            {
              sqrtPriceX96,
              tick,
              liquidity,
              tickSpacing: 60,
              feePips: 3000,
              initializedTicks: ticks,
              knownTicks: wholeTickWindow(60),
            },
            { zeroForOne, amountSpecified: exactIn ? amount : -amount },
          );
          const reference = await sdkSwap(
            { sqrtPriceX96, tick, liquidity, fee: 3000, ticks },
            zeroForOne,
            exactIn ? amount : -amount,
          );
          if (typeof walked === "string") throw new Error(`no walk: ${walked}`);
          expect({ amountIn: walked.amountIn, amountOut: walked.amountOut }).toEqual(reference);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("says when a swap needs ticks beyond the window read, and walks it when the window holds it (positive control)", () => {
    const ticks = ticksOf([
      { lower: 79_200, upper: 80_940, liquidity: 1_000_000n * E18 },
      { lower: 79_980, upper: 80_160, liquidity: 1_000_000n * E18 },
    ]);
    const range = {
      sqrtPriceX96: getSqrtRatioAtTick(80_050),
      tick: 80_050,
      liquidity: 2_000_000n * E18,
      tickSpacing: 60,
      feePips: 3000,
      initializedTicks: ticks.filter((t) => t.tick >= 79_980 && t.tick <= 80_160),
      knownTicks: { lower: 79_980, upper: 80_160 },
    };
    const small = walkV3Swap(range, { zeroForOne: true, amountSpecified: E18 });
    expect(typeof small === "object" && small.ticksCrossed).toBe(0);
    expect(walkV3Swap(range, { zeroForOne: true, amountSpecified: 500n * E18 })).toBe("beyond-known-ticks");
    expect(walkV3Swap(range, { zeroForOne: false, amountSpecified: -500n * E18 })).toBe("beyond-known-ticks");
    const whole = walkV3Swap(
      { ...range, initializedTicks: ticks, knownTicks: { lower: 78_000, upper: 82_020 } },
      { zeroForOne: true, amountSpecified: 500n * E18 },
    );
    expect(typeof whole === "object" && whole.ticksCrossed).toBe(1);
  });

  it("says when the pool runs out of liquidity before the swap is filled", () => {
    const range = {
      sqrtPriceX96: getSqrtRatioAtTick(80_050),
      tick: 80_050,
      liquidity: E18,
      tickSpacing: 60,
      feePips: 3000,
      initializedTicks: ticksOf([{ lower: 79_980, upper: 80_160, liquidity: E18 }]),
      knownTicks: wholeTickWindow(60),
    };
    expect(walkV3Swap(range, { zeroForOne: true, amountSpecified: 10n ** 30n })).toBe("price-limit");
    expect(walkV3Swap(range, { zeroForOne: true, amountSpecified: 10n ** 9n })).not.toBe("price-limit");
  });
});
