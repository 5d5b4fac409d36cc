import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EngineInputError } from "../engine/errors.ts";
import { attributePeriod, attributeStep, type BookPoint, bookValueOf } from "./attribution.ts";

// An independent book: a full-range constant-product LP of liquidity L (value 2L√S, base held L/√S: Uniswap v2
// whitepaper), a perp account kept the way Perp v2 keeps it (size, open notional, realized P&L; value = size·P +
// open notional + realized), funding accrued at a daily rate on the notional, fees accruing at a fixed rate.
interface PerpAccount {
  sizeBase: number;
  openNotionalUsd: number;
  realizedUsd: number;
}

const DAY = 86_400;

function lpPoint(
  liquidity: number,
  priceUsd: number,
): Pick<BookPoint, "lpValueUsd" | "lpDeltaBase" | "basePriceUsd"> {
  return {
    basePriceUsd: priceUsd,
    lpValueUsd: 2 * liquidity * Math.sqrt(priceUsd),
    lpDeltaBase: liquidity / Math.sqrt(priceUsd),
  };
}

function point(input: {
  t: number;
  liquidity: number;
  priceUsd: number;
  markUsd?: number;
  perp: PerpAccount;
  feesOwedUsd?: number;
  spotBase?: number;
  carryUsd?: number;
  gasUsd?: number;
  venueFeesUsd?: number;
  slippageUsd?: number;
  tradedBase?: number;
  tradedAtQuoteUsd?: number;
  settledUsd?: number;
  withdrawnUsd?: number;
  feesCollectedUsd?: number;
}): BookPoint {
  const mark = input.markUsd ?? input.priceUsd;
  return {
    timestampSec: input.t,
    blockNumber: null,
    ...lpPoint(input.liquidity, input.priceUsd),
    lpFeesOwedUsd: input.feesOwedUsd ?? 0,
    spotBase: input.spotBase ?? 0,
    hedgeValueUsd: input.perp.sizeBase * mark + input.perp.openNotionalUsd + input.perp.realizedUsd,
    hedgeSizeBase: input.perp.sizeBase,
    hedgePriceUsd: mark,
    carryUsd: input.carryUsd ?? 0,
    gasUsd: input.gasUsd ?? 0,
    venueFeesUsd: input.venueFeesUsd ?? 0,
    slippageUsd: input.slippageUsd ?? 0,
    hedgeTradedBase: input.tradedBase ?? 0,
    hedgeTradedAtQuoteUsd: input.tradedAtQuoteUsd ?? 0,
    settledToCollateralUsd: input.settledUsd ?? 0,
    lpWithdrawnUsd: input.withdrawnUsd ?? 0,
    lpFeesCollectedUsd: input.feesCollectedUsd ?? 0,
  };
}

function shortOf(sizeBase: number, entryUsd: number): PerpAccount {
  return { sizeBase: -sizeBase, openNotionalUsd: sizeBase * entryUsd, realizedUsd: 0 };
}

describe("attributeStep", () => {
  it("splits a constant-product LP's change into delta L/√S0·ΔS and the LVR −L(√S1−√S0)²/√S0", () => {
    const L = 1_000;
    const perp = shortOf(0, 2_000);
    const from = point({ t: 0, liquidity: L, priceUsd: 2_000, perp });
    const to = point({ t: 12, liquidity: L, priceUsd: 2_300, perp });
    const terms = attributeStep(from, to);
    expect(terms.deltaUsd).toBeCloseTo((L / Math.sqrt(2_000)) * 300, 9);
    // The closed form of 2L√S1 − 2L√S0 − (L/√S0)(S1 − S0).
    expect(terms.gammaUsd).toBeCloseTo(
      (-L * (Math.sqrt(2_300) - Math.sqrt(2_000)) ** 2) / Math.sqrt(2_000),
      9,
    );
    expect(terms.gammaUsd).toBeLessThan(0);
    expect(terms.unexplainedUsd).toBeCloseTo(0, 9);
  });

  it("marks the hedge at its previous size and names carry and costs, leaving nothing unexplained", () => {
    const perp = shortOf(10, 2_000);
    const from = point({ t: 0, liquidity: 0, priceUsd: 2_000, markUsd: 2_001, perp, carryUsd: 5, gasUsd: 1 });
    // A day later the mark is 1,901: the short gains 10 × 100; it received 12 USD of funding (in its realized
    // P&L, and as carry), and paid 3 USD more gas outside the Safe.
    const after = { ...perp, realizedUsd: 12 };
    const to = point({
      t: DAY,
      liquidity: 0,
      priceUsd: 1_900,
      markUsd: 1_901,
      perp: after,
      carryUsd: 17,
      gasUsd: 4,
    });
    const terms = attributeStep(from, to);
    expect(terms.hedgePriceUsd).toBeCloseTo(1_000, 9);
    expect(terms.carryUsd).toBeCloseTo(12, 9);
    expect(terms.gasUsd).toBeCloseTo(3, 9);
    expect(terms.bookValueChangeUsd).toBeCloseTo(1_000 + 12 - 3, 9);
    expect(terms.unexplainedUsd).toBeCloseTo(0, 9);
  });

  it("marks a rebalance from its quote to the step's mark and names its fee and its fill against the quote", () => {
    const before = shortOf(10, 2_000);
    const from = point({ t: 0, liquidity: 0, priceUsd: 2_000, perp: before });
    // Sell 5 more at a fill of 1,998 against a quote of 1,999 (slippage 5 × 1 USD), fee 0.1% of the fill's notional;
    // the mark stays at 2,000: the 5 sold at the quote are 5 × 1 USD under it.
    const fill = 1_998;
    const quote = 1_999;
    const fee = 5 * fill * 0.001;
    const after: PerpAccount = {
      sizeBase: -15,
      openNotionalUsd: before.openNotionalUsd + 5 * fill,
      realizedUsd: -fee,
    };
    const traded = { tradedBase: -5, tradedAtQuoteUsd: -5 * quote };
    const to = point({
      t: 12,
      liquidity: 0,
      priceUsd: 2_000,
      perp: after,
      venueFeesUsd: fee,
      slippageUsd: 5 * (quote - fill),
      ...traded,
    });
    const terms = attributeStep(from, to);
    expect(terms.venueFeesUsd).toBeCloseTo(fee, 9);
    expect(terms.slippageUsd).toBeCloseTo(5, 9);
    expect(terms.hedgePriceUsd).toBeCloseTo(-5 * (2_000 - quote), 9);
    expect(terms.hedgeChangeUsd).toBeCloseTo(-5 * (2_000 - fill) - fee, 9);
    expect(terms.unexplainedUsd).toBeCloseTo(0, 9);
    // Without the trade's record the same move is left unexplained: the fill's distance from the mark beyond it.
    const unrecorded = attributeStep(from, { ...to, hedgeTradedBase: 0, hedgeTradedAtQuoteUsd: 0 });
    expect(unrecorded.unexplainedUsd).toBeCloseTo(-5 * (2_000 - quote), 9);
  });

  it("counts P&L a withdrawal settled into collateral as the book's: the hedge's value drops, the book's does not", () => {
    // A closed short with 4,000 USD of realized loss owed (Perp v2 owedRealizedPnl): its hedge value is −4,000.
    const closed: PerpAccount = { sizeBase: 0, openNotionalUsd: 0, realizedUsd: -4_000 };
    const from = point({ t: 0, liquidity: 0, priceUsd: 2_000, perp: closed });
    // Vault.withdraw settles the owed loss into the collateral: owed 0, hedge value 0, 4,000 less collateral.
    const settled = point({
      t: 12,
      liquidity: 0,
      priceUsd: 2_000,
      perp: { ...closed, realizedUsd: 0 },
      settledUsd: -4_000,
      gasUsd: 2,
    });
    const terms = attributeStep(from, settled);
    expect(terms.hedgeChangeUsd).toBeCloseTo(4_000, 9);
    expect(terms.settledToCollateralUsd).toBeCloseTo(-4_000, 9);
    expect(terms.bookValueChangeUsd).toBeCloseTo(-2, 9);
    expect(terms.unexplainedUsd).toBeCloseTo(0, 9);
    // Counted as a gain of the hedge instead, it would be 4,000 unexplained.
    expect(attributeStep(from, { ...settled, settledToCollateralUsd: 0 }).unexplainedUsd).toBeCloseTo(
      4_000,
      9,
    );
  });
});

describe("attributeStep: an LP withdrawal", () => {
  // The constant-product LP of liquidity L over S0 → S1, a share w of it withdrawn at S1 (the step's end): the
  // principal paid, w·2L√S1, goes to the Safe in tokens spotBase does not count (the de-peg lane's stablecoins).
  const L = 1_000;
  const [s0, s1, w] = [2_000, 2_100, 0.4];
  const lvr = -(L * (Math.sqrt(s1) - Math.sqrt(s0)) ** 2) / Math.sqrt(s0);
  const principal = w * 2 * L * Math.sqrt(s1);
  const flat: PerpAccount = { sizeBase: 0, openNotionalUsd: 0, realizedUsd: 0 };
  const from = point({ t: 0, liquidity: L, priceUsd: s0, perp: flat, feesOwedUsd: 30 });

  it("keeps the principal a withdrawal paid out of gamma: gamma is the LVR alone, and the terms sum to ΔB", () => {
    // The withdrawal also paid out the 30 of fees owed and 5 accrued over the step: fees earned, not principal.
    const to = point({
      t: 12,
      liquidity: L * (1 - w),
      priceUsd: s1,
      perp: flat,
      feesOwedUsd: 0,
      withdrawnUsd: principal,
      feesCollectedUsd: 35,
    });
    const terms = attributeStep(from, to);
    expect(principal).toBeGreaterThan(30_000);
    expect(terms.gammaUsd).toBeCloseTo(lvr, 6);
    expect(terms.deltaUsd).toBeCloseTo((L / Math.sqrt(s0)) * (s1 - s0), 6);
    expect(terms.feesEarnedUsd).toBeCloseTo(5, 9);
    expect(terms.lpWithdrawnUsd).toBeCloseTo(principal, 9);
    expect(terms.lpFeesCollectedUsd).toBeCloseTo(35, 9);
    // The LP's value fell by the principal; the book's did not: the tokens are in the Safe.
    expect(terms.hedgedItemChangeUsd).toBeCloseTo(
      2 * L * (Math.sqrt(s1) - Math.sqrt(s0)) - principal - 30,
      6,
    );
    expect(terms.bookValueChangeUsd).toBeCloseTo(2 * L * (Math.sqrt(s1) - Math.sqrt(s0)) + 5, 6);
    expect(terms.unexplainedUsd).toBeCloseTo(0, 6);
    // Unrecorded, the principal and the fees collected would be charged to gamma and fees as losses.
    const unrecorded = attributeStep(from, { ...to, lpWithdrawnUsd: 0, lpFeesCollectedUsd: 0 });
    expect(unrecorded.gammaUsd).toBeCloseTo(lvr - principal, 6);
    expect(unrecorded.feesEarnedUsd).toBeCloseTo(-30, 9);
  });

  it("leaves gamma as before when nothing is withdrawn (positive control: the same LVR, the same ΔB)", () => {
    const to = point({ t: 12, liquidity: L, priceUsd: s1, perp: flat, feesOwedUsd: 35 });
    const terms = attributeStep(from, to);
    expect(terms.gammaUsd).toBeCloseTo(lvr, 6);
    expect(terms.feesEarnedUsd).toBeCloseTo(5, 9);
    expect(terms.lpWithdrawnUsd).toBe(0);
    expect(terms.bookValueChangeUsd).toBeCloseTo(2 * L * (Math.sqrt(s1) - Math.sqrt(s0)) + 5, 6);
    expect(terms.unexplainedUsd).toBeCloseTo(0, 6);
  });

  it("sums a withdrawal inside a period: totals telescope, the transfer is in ΔB and in no P&L term", () => {
    const mid = point({
      t: 12,
      liquidity: L * (1 - w),
      priceUsd: s1,
      perp: flat,
      withdrawnUsd: principal,
      feesCollectedUsd: 30,
    });
    const end = {
      ...point({ t: 24, liquidity: L * (1 - w), priceUsd: s0, perp: flat }),
      lpWithdrawnUsd: principal,
      lpFeesCollectedUsd: 30,
    };
    const period = attributePeriod([from, mid, end]);
    expect(period.total.lpWithdrawnUsd).toBeCloseTo(principal, 9);
    expect(period.total.bookValueChangeUsd).toBeCloseTo(bookValueOf(end) - bookValueOf(from), 6);
    expect(Math.abs(period.total.unexplainedUsd)).toBeLessThan(1e-6);
    // The gross P&L the remainder is judged against holds no transfer: the LVR of both legs and the delta P&L.
    const lvrBack = -(L * (1 - w) * (Math.sqrt(s0) - Math.sqrt(s1)) ** 2) / Math.sqrt(s1);
    expect(period.total.gammaUsd).toBeCloseTo(lvr + lvrBack, 6);
  });

  it("rejects fees collected that decrease, naming the point and the key; principal falls with a deposit", () => {
    const to = point({
      t: 12,
      liquidity: L,
      priceUsd: s1,
      perp: flat,
      withdrawnUsd: 10,
      feesCollectedUsd: 3,
    });
    expect(() => attributePeriod([to, { ...to, timestampSec: 24, lpFeesCollectedUsd: 2 }])).toThrow(
      /points\[1\]\.lpFeesCollectedUsd/,
    );
    expect(() =>
      attributePeriod([to, { ...to, timestampSec: 24, lpWithdrawnToSpotUsd: Number.NaN }]),
    ).toThrow(/points\[1\]\.lpWithdrawnToSpotUsd/);
    // A deposit: withdrawn falls by what went in, and gamma adds it back as a negative withdrawal.
    const deposited = attributePeriod([
      to,
      { ...to, timestampSec: 24, lpWithdrawnUsd: 5, lpValueUsd: to.lpValueUsd + 5 },
    ]);
    expect(deposited.total.gammaUsd).toBeCloseTo(0, 9);
    expect(Math.abs(deposited.total.unexplainedUsd)).toBeLessThan(1e-9);
    // A withdrawal whose base reached the Safe's balance: gamma adds all the principal back, the book counts it once.
    const toSpot = attributePeriod([
      to,
      {
        ...to,
        timestampSec: 24,
        lpValueUsd: to.lpValueUsd - 7,
        spotBase: to.spotBase + 4 / s1,
        lpWithdrawnUsd: to.lpWithdrawnUsd + 3,
        lpWithdrawnToSpotUsd: 4,
      },
    ]);
    expect(toSpot.total.gammaUsd).toBeCloseTo(0, 9);
    expect(toSpot.total.bookValueChangeUsd).toBeCloseTo(0, 9);
    expect(Math.abs(toSpot.total.unexplainedUsd)).toBeLessThan(1e-9);
    expect(() => attributePeriod([to, { ...to, timestampSec: 24, lpFeesCollectedUsd: Number.NaN }])).toThrow(
      /points\[1\]\.lpFeesCollectedUsd/,
    );
  });
});

describe("attributePeriod", () => {
  // A hedged LP over a random price path: independent totals in closed form.
  const paths = fc.array(fc.double({ min: -0.03, max: 0.03, noNaN: true }), { minLength: 2, maxLength: 60 });

  it("recovers each term of a hedged LP against its closed-form total, and sums back to the value change", () => {
    fc.assert(
      fc.property(paths, fc.double({ min: 0, max: 0.002, noNaN: true }), (returns, basis) => {
        const L = 500;
        const q = 8;
        const perp = shortOf(q, 2_000 * (1 + basis));
        const feeRatePerSec = 0.001;
        const fundingRateDaily = 0.0003;
        const prices = [2_000];
        for (const r of returns) prices.push(prices[prices.length - 1]! * (1 + r));
        let carry = 0;
        const points: BookPoint[] = [];
        for (let i = 0; i < prices.length; i++) {
          const t = i * 3_600;
          if (i > 0) carry += q * prices[i - 1]! * (1 + basis) * fundingRateDaily * (3_600 / DAY);
          const account = { ...perp, realizedUsd: carry };
          points.push(
            point({
              t,
              liquidity: L,
              priceUsd: prices[i]!,
              markUsd: prices[i]! * (1 + basis),
              perp: account,
              feesOwedUsd: feeRatePerSec * t,
              spotBase: 1.5,
              carryUsd: carry,
              gasUsd: 0.25 * i,
            }),
          );
        }
        const period = attributePeriod(points, { bucketSec: DAY });
        const S0 = prices[0]!;
        const Sn = prices[prices.length - 1]!;
        let lvr = 0;
        let lpDelta = 0;
        for (let i = 1; i < prices.length; i++) {
          const a = Math.sqrt(prices[i - 1]!);
          const b = Math.sqrt(prices[i]!);
          lvr += (-L * (b - a) ** 2) / a;
          lpDelta += (L / a) * (prices[i]! - prices[i - 1]!);
        }
        const scale = 1e-9 * (L * Math.sqrt(S0) + q * S0);
        expect(period.total.gammaUsd).toBeCloseTo(lvr, 6);
        expect(period.total.deltaUsd).toBeCloseTo(lpDelta + 1.5 * (Sn - S0), 6);
        expect(
          Math.abs(
            period.total.deltaUsd +
              period.total.gammaUsd -
              (2 * L * (Math.sqrt(Sn) - Math.sqrt(S0)) + 1.5 * (Sn - S0)),
          ),
        ).toBeLessThan(scale);
        expect(period.total.hedgePriceUsd).toBeCloseTo(-q * (Sn - S0) * (1 + basis), 6);
        expect(period.total.feesEarnedUsd).toBeCloseTo(feeRatePerSec * 3_600 * returns.length, 9);
        expect(period.total.carryUsd).toBeCloseTo(carry, 9);
        expect(period.total.gasUsd).toBeCloseTo(0.25 * returns.length, 9);
        expect(period.total.bookValueChangeUsd).toBeCloseTo(
          bookValueOf(points[points.length - 1]!) - bookValueOf(points[0]!),
          6,
        );
        expect(Math.abs(period.total.unexplainedUsd)).toBeLessThan(scale);
      }),
      { numRuns: 100 },
    );
  });

  it("buckets steps by the day their end falls in, and the buckets sum to the period", () => {
    const perp = shortOf(3, 2_000);
    const points = [0, 6, 20, 30, 47, 49].map((h, i) =>
      point({ t: h * 3_600, liquidity: 100, priceUsd: 2_000 + 25 * i * (i % 2 ? -1 : 1), perp }),
    );
    const period = attributePeriod(points);
    expect(period.buckets.map((b) => [b.startSec / DAY, b.steps])).toEqual([
      [0, 2],
      [1, 2],
      [2, 1],
    ]);
    for (const key of ["deltaUsd", "gammaUsd", "hedgePriceUsd", "bookValueChangeUsd"] as const) {
      const summed = period.buckets.reduce((s, b) => s + b[key], 0);
      expect(summed).toBeCloseTo(period.total[key], 9);
    }
    expect(period.grossPnlUsd).toBeGreaterThan(0);
    expect(period.unexplainedShareOfGross).toBeLessThan(1e-12);
  });

  it("names the bad field: a NaN price, time out of order, a cost that went down, too few points", () => {
    const perp = shortOf(1, 2_000);
    const good = [
      point({ t: 0, liquidity: 1, priceUsd: 2_000, perp }),
      point({ t: 12, liquidity: 1, priceUsd: 2_001, perp }),
    ];
    expect(attributePeriod(good).steps).toBe(1);
    const expectField = (points: BookPoint[], field: string) => {
      try {
        attributePeriod(points);
      } catch (error) {
        expect(error).toBeInstanceOf(EngineInputError);
        expect((error as EngineInputError).field).toBe(field);
        return;
      }
      throw new Error(`expected an error on ${field}`);
    };
    expectField([good[0]!, { ...good[1]!, basePriceUsd: Number.NaN }], "points[1].basePriceUsd");
    expectField([good[1]!, good[0]!], "points[1].timestampSec");
    expectField(
      [
        { ...good[0]!, gasUsd: 2 },
        { ...good[1]!, gasUsd: 1 },
      ],
      "points[1].gasUsd",
    );
    expectField([good[0]!], "points");
    expect(() => attributePeriod(good, { bucketSec: 0 })).toThrow(/bucketSec/);
  });
});

describe("attributeStep, an Aave liquidation", () => {
  it("names the bonus the liquidator took as its own cost, and charges the seized collateral to the book", () => {
    // 60 WETH spot against 60 WETH owed; ETH 3,000 → 3,100 while 30 WETH of debt is repaid at 3,100 with
    // 1.05 × 93,000 of collateral (outside the hedge's value).
    const base = {
      blockNumber: null,
      lpValueUsd: 0,
      lpDeltaBase: 0,
      lpFeesOwedUsd: 0,
      spotBase: 60,
      carryUsd: 0,
      settledToCollateralUsd: 0,
      lpWithdrawnUsd: 0,
      lpFeesCollectedUsd: 0,
      gasUsd: 0,
      venueFeesUsd: 0,
      slippageUsd: 0,
    };
    const from: BookPoint = {
      ...base,
      timestampSec: 0,
      basePriceUsd: 3_000,
      hedgeValueUsd: -60 * 3_000,
      hedgeSizeBase: -60,
      hedgePriceUsd: 3_000,
      hedgeTradedBase: 0,
      hedgeTradedAtQuoteUsd: 0,
    };
    const to: BookPoint = {
      ...base,
      timestampSec: 12,
      basePriceUsd: 3_100,
      hedgeValueUsd: -30 * 3_100,
      hedgeSizeBase: -30,
      hedgePriceUsd: 3_100,
      hedgeTradedBase: 30,
      hedgeTradedAtQuoteUsd: 30 * 3_100,
      collateralSeizedUsd: 1.05 * 30 * 3_100,
      liquidationBonusUsd: 0.05 * 30 * 3_100,
    };
    const terms = attributeStep(from, to);
    expect(terms.liquidationBonusUsd).toBeCloseTo(4_650, 9);
    // Spot +6,000, the debt held over the step −6,000, the collateral's bonus −4,650: the book lost the bonus.
    expect(terms.bookValueChangeUsd).toBeCloseTo(-4_650, 9);
    expect(terms.unexplainedUsd).toBeCloseTo(0, 9);
    expect(() => attributePeriod([to, { ...to, timestampSec: 24, liquidationBonusUsd: 0 }])).toThrow(
      /points\[1\]\.liquidationBonusUsd/,
    );
  });
});
