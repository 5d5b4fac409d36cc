import {
  type Address,
  encodeAbiParameters,
  encodeEventTopics,
  erc20Abi,
  type Hex,
  parseAbiParameters,
} from "viem";
import { describe, expect, it } from "vitest";
import { PERP_CLEARING_HOUSE_ABI } from "../chain/abis/perp-v2-abi.ts";
import { UNISWAP_V3_POOL_ABI } from "../chain/abis/uniswap-v3-abi.ts";
import {
  makeBook,
  makeParams,
  NOW_SEC,
  USDC,
  USDC_USDT_POOL,
  USDT,
} from "../engine/book-fixture.test-support.ts";
import { decide } from "../engine/decide.ts";
import type { Plan } from "../engine/plan.ts";
import { type ExecutionReceipt, ExecutionReceiptError, realizedExecution } from "./realized-execution.ts";

const SAFE: Address = "0x1111111111111111111111111111111111111111";
const CLEARING_HOUSE: Address = "0x2222222222222222222222222222222222222222";
const IMPOSTOR: Address = "0x3333333333333333333333333333333333333333";
const OTHER_POOL: Address = "0x4444444444444444444444444444444444444444";
const VENUES = { safe: SAFE, clearingHouse: CLEARING_HOUSE };
const E18 = 10n ** 18n;

function planOf(book: ReturnType<typeof makeBook>): Plan {
  const d = decide(book, makeParams(), NOW_SEC);
  if (d.kind !== "plan") throw new Error(`expected a plan: ${d.reason}`);
  return d.plan;
}

/** A perp plan (grow the short) quoted at the fixture's mark, and its resize. */
function perpPlan() {
  const plan = planOf(makeBook({ hedgeRatio: 0.9 }));
  const leg = plan.quote.legs[0]!;
  const action = plan.actions[leg.actionIndex]!;
  if (leg.kind !== "perp" || action.kind !== "perp.adjustPosition") throw new Error("expected a perp resize");
  return { plan, quotedPrice: leg.priceUsd, action };
}

function positionChanged(
  emitter: Address,
  fields: { trader?: Address; size: bigint; notional: bigint; fee: bigint; baseToken: Address },
) {
  return {
    address: emitter,
    topics: encodeEventTopics({
      abi: PERP_CLEARING_HOUSE_ABI,
      eventName: "PositionChanged",
      args: { trader: fields.trader ?? SAFE, baseToken: fields.baseToken },
    }) as Hex[],
    data: encodeAbiParameters(parseAbiParameters("int256, int256, uint256, int256, int256, uint256"), [
      fields.size,
      fields.notional,
      fields.fee,
      0n,
      0n,
      2n ** 96n,
    ]),
  };
}

function swapLog(pool: Address, amount0: bigint, amount1: bigint, recipient: Address = SAFE) {
  return {
    address: pool,
    topics: encodeEventTopics({
      abi: UNISWAP_V3_POOL_ABI,
      eventName: "Swap",
      args: { sender: IMPOSTOR, recipient },
    }) as Hex[],
    data: encodeAbiParameters(parseAbiParameters("int256, int256, uint160, uint128, int24"), [
      amount0,
      amount1,
      2n ** 96n,
      10n ** 18n,
      0,
    ]),
  };
}

function transferLog(token: Address, from: Address, to: Address, value: bigint) {
  return {
    address: token,
    topics: encodeEventTopics({ abi: erc20Abi, eventName: "Transfer", args: { from, to } }) as Hex[],
    data: encodeAbiParameters(parseAbiParameters("uint256"), [value]),
  };
}

function receipt(
  logs: ExecutionReceipt["logs"],
  overrides: Partial<ExecutionReceipt> = {},
): ExecutionReceipt {
  return {
    transactionHash: `0x${"ab".repeat(32)}`,
    status: "success",
    gasUsed: 400_000n,
    effectiveGasPrice: 2_000_000_000n,
    logs,
    ...overrides,
  };
}

describe("realized execution from a receipt", () => {
  it("measures a perp sale against the quoted mark: worse fill → positive slippage, fee and gas in USD", () => {
    const { plan, quotedPrice, action } = perpPlan();
    // Sold the whole size 0.2% below the quote, paying a 0.1% fee on the notional.
    const realized = quotedPrice * 0.998;
    const size = action.amountBase;
    const notional = (size * BigInt(Math.round(realized * 1e6))) / 10n ** 6n;
    const fee = notional / 1000n;
    const cost = realizedExecution(
      plan,
      receipt([positionChanged(CLEARING_HOUSE, { size: -size, notional, fee, baseToken: action.baseToken })]),
      VENUES,
    );
    const sizeBase = Number(size) / 1e18;
    expect(cost.legs).toHaveLength(1);
    expect(cost.legs[0]).toMatchObject({
      kind: "perp",
      side: "sell",
      actionIndex: plan.quote.legs[0]!.actionIndex,
    });
    expect(cost.realizedPrice).toBeCloseTo(realized, 6);
    expect(cost.quotedPrice).toBe(quotedPrice);
    expect(cost.slippageBps).toBeCloseTo(20, 6);
    expect(cost.slippageUsd).toBeCloseTo((quotedPrice - realized) * sizeBase, 4);
    expect(cost.feesUsd).toBeCloseTo(Number(fee) / 1e18, 9);
    // 400k gas × 2 gwei = 0.0008 ETH at the plan's base price.
    expect(cost.gasUsd).toBeCloseTo(0.0008 * plan.quote.basePriceUsd, 9);
    expect(cost.totalCostUsd).toBeCloseTo(cost.gasUsd + cost.feesUsd + cost.slippageUsd, 9);
    expect(cost.notionalUsd).toBeCloseTo(sizeBase * quotedPrice, 6);
  });

  it("reads a perp purchase filled below its quote as negative slippage (better than quoted)", () => {
    const { plan, quotedPrice, action } = perpPlan();
    const bought: Plan = {
      ...plan,
      actions: plan.actions.map((a) => (a === action ? { ...action, isBaseToQuote: false } : a)),
    };
    const notional = (action.amountBase * BigInt(Math.round(quotedPrice * 0.999 * 1e6))) / 10n ** 6n;
    const cost = realizedExecution(
      bought,
      receipt([
        positionChanged(CLEARING_HOUSE, {
          size: action.amountBase,
          notional: -notional,
          fee: 0n,
          baseToken: action.baseToken,
        }),
      ]),
      VENUES,
    );
    expect(cost.legs[0]?.side).toBe("buy");
    expect(cost.slippageBps).toBeCloseTo(-10, 6);
    expect(cost.slippageUsd).toBeLessThan(0);
  });

  it("ignores a PositionChanged from another contract or for another trader; with only those, it is an error", () => {
    const { plan, quotedPrice, action } = perpPlan();
    const notional = (action.amountBase * BigInt(Math.round(quotedPrice * 1e6))) / 10n ** 6n;
    // An impostor emitting a great fill for the Safe, and the real ClearingHouse for someone else.
    const decoys = [
      positionChanged(IMPOSTOR, {
        size: -action.amountBase,
        notional: notional * 2n,
        fee: 0n,
        baseToken: action.baseToken,
      }),
      positionChanged(CLEARING_HOUSE, {
        trader: IMPOSTOR,
        size: -action.amountBase,
        notional: notional * 2n,
        fee: 0n,
        baseToken: action.baseToken,
      }),
    ];
    const real = positionChanged(CLEARING_HOUSE, {
      size: -action.amountBase,
      notional,
      fee: 7n * E18,
      baseToken: action.baseToken,
    });
    // Positive control: the genuine event among the decoys is the one read.
    const cost = realizedExecution(plan, receipt([...decoys, real]), VENUES);
    expect(cost.slippageBps).toBeCloseTo(0, 6);
    expect(cost.feesUsd).toBe(7);
    expect(() => realizedExecution(plan, receipt(decoys), VENUES)).toThrow(ExecutionReceiptError);
    expect(() => realizedExecution(plan, receipt(decoys), VENUES)).toThrow(
      /no PositionChanged from the ClearingHouse/,
    );
  });

  it("refuses a receipt without the resize's event, a position moved the wrong way, and a reverted transaction", () => {
    const { plan, quotedPrice, action } = perpPlan();
    const notional = (action.amountBase * BigInt(Math.round(quotedPrice * 1e6))) / 10n ** 6n;
    expect(() => realizedExecution(plan, receipt([]), VENUES)).toThrow(ExecutionReceiptError);
    const wrongWay = positionChanged(CLEARING_HOUSE, {
      size: action.amountBase,
      notional: -notional,
      fee: 0n,
      baseToken: action.baseToken,
    });
    expect(() => realizedExecution(plan, receipt([wrongWay]), VENUES)).toThrow(/the other way/);
    const good = positionChanged(CLEARING_HOUSE, {
      size: -action.amountBase,
      notional,
      fee: 0n,
      baseToken: action.baseToken,
    });
    expect(realizedExecution(plan, receipt([good]), VENUES).legs).toHaveLength(1);
    expect(() => realizedExecution(plan, receipt([good], { status: "reverted" }), VENUES)).toThrow(
      /reverted/,
    );
  });

  describe("a de-peg swap", () => {
    const plan = planOf(makeBook({ usdtUsdOracle: 0.95 }));
    const quote = plan.quote.legs[0]!;
    const swap = plan.actions[0]!;
    if (quote.kind !== "swap" || swap.kind !== "swap.exactInputSingle") throw new Error("expected a swap");
    const amountIn = swap.amountIn;
    // USDT in, USDC out: 0.3% below the pool's net spot quote.
    const amountOut = BigInt(Math.floor(Number(amountIn) * quote.priceNetOfFee * 0.997));
    // USDC (token0) < USDT (token1) by address: the pool takes USDT (amount1 > 0) and pays USDC (amount0 < 0).
    const [a0, a1] =
      USDC.address.toLowerCase() < USDT.address.toLowerCase()
        ? [-amountOut, amountIn]
        : [amountIn, -amountOut];
    const paid = transferLog(USDC.address, quote.pool, SAFE, amountOut);

    it("measures the fill from the quoted pool's Swap and the output's Transfer to the Safe", () => {
      expect(quote.pool).toBe(USDC_USDT_POOL);
      const cost = realizedExecution(plan, receipt([swapLog(quote.pool, a0, a1), paid]), VENUES);
      const inWhole = Number(amountIn) / 1e6;
      expect(cost.legs[0]).toMatchObject({ kind: "swap", side: "sell", venue: "uniswap-v3" });
      expect(cost.realizedPrice).toBeCloseTo(Number(amountOut) / Number(amountIn), 9);
      expect(cost.slippageBps).toBeCloseTo(30, 2);
      expect(cost.feesUsd).toBeCloseTo(inWhole * (swap.fee / 1e6) * quote.tokenInPriceUsd, 6);
      expect(cost.notionalUsd).toBeCloseTo(inWhole * quote.tokenInPriceUsd, 6);
      expect(cost.slippageUsd).toBeCloseTo(
        (quote.priceNetOfFee - Number(amountOut) / Number(amountIn)) * inWhole * quote.tokenOutPriceUsd,
        6,
      );
    });

    it("ignores a Swap from another pool to the Safe, and errs when the quoted pool's Swap or its Transfer is missing", () => {
      const elsewhere = swapLog(OTHER_POOL, a0, a1);
      expect(() => realizedExecution(plan, receipt([elsewhere, paid]), VENUES)).toThrow(
        new RegExp(`no Swap from pool ${quote.pool}`),
      );
      expect(() => realizedExecution(plan, receipt([swapLog(quote.pool, a0, a1)]), VENUES)).toThrow(
        /Transfer/,
      );
      // A Swap paying someone else is not the Safe's fill.
      expect(() =>
        realizedExecution(plan, receipt([swapLog(quote.pool, a0, a1, IMPOSTOR), paid]), VENUES),
      ).toThrow(ExecutionReceiptError);
      // Positive control: the same receipt with the genuine Swap added reads.
      expect(
        realizedExecution(plan, receipt([elsewhere, swapLog(quote.pool, a0, a1), paid]), VENUES).legs,
      ).toHaveLength(1);
    });
  });

  it("prices a plan that traded nothing at its gas alone, with no slippage rather than a zero", () => {
    const { plan } = perpPlan();
    const collateralOnly: Plan = { ...plan, quote: { ...plan.quote, legs: [] } };
    const cost = realizedExecution(collateralOnly, receipt([]), VENUES);
    expect(cost).toMatchObject({
      legs: [],
      feesUsd: 0,
      slippageBps: null,
      quotedPrice: null,
      realizedPrice: null,
    });
    expect(cost.totalCostUsd).toBeCloseTo(0.0008 * plan.quote.basePriceUsd, 9);
  });
});
