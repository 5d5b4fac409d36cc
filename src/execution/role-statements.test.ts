import { decodeFunctionData, type Hex, toFunctionSelector } from "viem";
import { describe, expect, it } from "vitest";
import { rolesAbi } from "zodiac-roles-sdk";
import { maxSpendWithin } from "./allowance-window.ts";
import { encodeBoundsExtra } from "./hedge-bounds-condition.ts";
import { callsToFixDrift, diffPermissions, foldStatements } from "./permission-drift.ts";
import { TreasuryScopeError } from "./permissions.ts";
import {
  aaveBorrowDailyAllowanceKey,
  aaveCollateralDailyAllowanceKey,
  DELEVERAGER_ROLE_KEY,
  KEEPER_ROLE_KEY,
} from "./role-keys.ts";
import { desiredStatements, keeperAllowances, statementsOfCall } from "./role-statements.ts";
import type { TreasuryScope } from "./treasury-scope.ts";

const A = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as const;
const USDC = A(11);
const DAI = A(15);
const USDT = A(14);
const scope: TreasuryScope = {
  safe: A(1),
  roles: A(2),
  hedgeGuard: A(3),
  multiSendCallOnly: A(4),
  multiSendUnwrapper: A(5),
  keeper: A(6),
  guardian: A(7),
  perp: { clearingHouse: A(8), vault: A(9), baseTokens: [A(10)], collateralTokens: [USDC] },
  uniswap: {
    swapRouter: A(12),
    positionManager: A(13),
    swapPairs: [
      { tokenIn: USDC, tokenOut: USDT, fee: 100 },
      { tokenIn: DAI, tokenOut: USDT, fee: 100 },
    ],
  },
  bounds: {
    hedgeBounds: A(16),
    perpSlippageBps: 150,
    swapSlippageBps: 100,
    lpPriceBandBps: 150,
    priceSources: [A(10), USDC, DAI, USDT].map((token, i) => ({
      token,
      feed: A(20 + i),
      heartbeatSec: 3_600,
      feedDecimals: 8,
      tokenDecimals: token === USDC || token === USDT ? 6 : 18,
    })),
  },
  caps: {
    perpBasePerDay: 48n * 10n ** 18n,
    perpMaxAbsBaseUnits: 100,
    swapAmountInPerDay: { [USDC]: 24n * 10n ** 12n, [DAI]: 10n ** 24n },
    collateralPerDay: { [USDC]: 10n ** 12n },
    collateralMaxTokens: { [USDC]: 2_000_000 },
    callsPerHour: 20,
    refillPeriodSec: 3_600,
  },
};
const OWNED = [`target:${KEEPER_ROLE_KEY}`, `function:${KEEPER_ROLE_KEY}`, `member:${KEEPER_ROLE_KEY}`];

describe("desiredStatements", () => {
  it("is deterministic: the same scope always yields the same facts", () => {
    expect(desiredStatements(scope)).toEqual(desiredStatements(scope));
  });

  it("scopes every keeper target (no target is allowed wholesale) and makes the keeper a member", () => {
    const state = foldStatements(desiredStatements(scope));
    const keeperTargets = [...state].filter(([key]) => key.startsWith(`target:${KEEPER_ROLE_KEY}`));
    expect(keeperTargets.length).toBe(5); // guard, clearing house, vault, router, position manager
    expect(keeperTargets.every(([, value]) => value === "scoped")).toBe(true);
    expect(state.get(`member:${KEEPER_ROLE_KEY}:${scope.keeper}`)).toBe("member");
  });

  it("refuses a swap pair whose input token has no daily cap", () => {
    const uncapped = { ...scope, caps: { ...scope.caps, swapAmountInPerDay: { [USDC]: 1n } } };
    expect(() => desiredStatements(uncapped)).toThrow(TreasuryScopeError);
    expect(() => desiredStatements(uncapped)).toThrow(/no cap for swap input token 0x0+f/);
  });
});

/** The flat conditions the keeper's role applies to one function, from the Roles calls that apply them. */
function scopedConditions(signature: string) {
  const selector = toFunctionSelector(signature);
  for (const { call } of desiredStatements(scope)) {
    const { functionName, args } = decodeFunctionData({ abi: rolesAbi, data: call.data });
    if (functionName === "scopeFunction" && args[2] === selector) {
      return args[3] as readonly { parent: number; paramType: number; operator: number; compValue: Hex }[];
    }
  }
  throw new Error(`no scope for ${signature}`);
}
const CUSTOM = 22;

describe("the keeper's price bounds (HedgeBounds custom conditions)", () => {
  const cases = [
    [
      "openPosition((address,bool,bool,uint256,uint256,uint256,uint160,bytes32))",
      encodeBoundsExtra(150, 100),
    ],
    [
      "exactInputSingle((address,address,uint24,address,uint256,uint256,uint256,uint160))",
      encodeBoundsExtra(100),
    ],
    ["decreaseLiquidity((uint256,uint128,uint256,uint256,uint256))", encodeBoundsExtra(150)],
    ["deposit(address,uint256)", encodeBoundsExtra(0, 2_000_000)],
  ] as const;
  for (const [signature, extra] of cases) {
    it(`checks every ${signature.split("(")[0]} against the oracle through HedgeBounds, with its bound and ceiling`, () => {
      const custom = scopedConditions(signature).filter((c) => c.operator === CUSTOM);
      // A swap carries the check in each pair's branch; the SDK merges this scope's two pairs (same output, fee
      // and allowance key: the test addresses share their prefix) into one branch.
      expect(custom).toHaveLength(1);
      for (const node of custom) expect(node.compValue).toBe(`${A(16)}${extra.slice(2)}`);
    });
  }

  it("leaves withdraw and collect without a price bound: neither trades (collect pays only the Safe)", () => {
    for (const signature of ["withdraw(address,uint256)", "collect((uint256,address,uint128,uint128))"]) {
      expect(scopedConditions(signature).some((c) => c.operator === CUSTOM)).toBe(false);
    }
  });

  it("packs extra as uint16 bps then uint80 whole-token ceiling, and refuses a bound of 100% or more", () => {
    expect(encodeBoundsExtra(150, 100)).toBe("0x00960000000000000000" + "0064");
    expect(encodeBoundsExtra(9_999, 2 ** 40)).toBe("0x270f" + "0000010000000000".padStart(20, "0"));
    expect(() => encodeBoundsExtra(10_000)).toThrow(RangeError);
    expect(() => encodeBoundsExtra(-1)).toThrow(RangeError);
  });

  it("refuses a scope whose bounds cannot price a traded token", () => {
    const unpriced = {
      ...scope,
      bounds: { ...scope.bounds, priceSources: scope.bounds.priceSources.slice(1) },
    };
    expect(() => desiredStatements(unpriced)).toThrow(/no Chainlink feed for token 0x0+a/);
  });

  it("reports a loosened slippage bound as drift of that function's scope", () => {
    const desired = desiredStatements(scope);
    const loosened = desiredStatements({ ...scope, bounds: { ...scope.bounds, swapSlippageBps: 9_000 } });
    const deployed = foldStatements(loosened.map(({ key, value }) => ({ key, value })));
    const drift = diffPermissions(desired, deployed, OWNED);
    expect(drift.missing.map((m) => m.key)).toEqual([
      `function:${KEEPER_ROLE_KEY}:${scope.uniswap.swapRouter}:${toFunctionSelector(cases[1][0])}`,
    ]);
  });
});

describe("keeperAllowances", () => {
  const byKey = new Map(keeperAllowances(scope).map((a) => [a.key, a]));
  const perp = [...byKey.values()].find((a) => a.maxRefill === scope.caps.perpBasePerDay)!;

  it("refills flow caps in hourly steps of cap / 24, never above one day's cap", () => {
    expect(perp).toMatchObject({ maxRefill: 48n * 10n ** 18n, refill: 2n * 10n ** 18n, period: 3_600n });
  });

  it("bounds any hour to the cap plus one step and any day to twice the cap (not two caps within seconds)", () => {
    expect(maxSpendWithin(perp, 60n)).toBe(50n * 10n ** 18n);
    expect(maxSpendWithin(perp, 3_600n)).toBe(50n * 10n ** 18n);
    expect(maxSpendWithin(perp, 86_400n)).toBe(96n * 10n ** 18n);
  });

  it("allows one perp open and one vault deposit per block (a call allowance of one, refilled each second)", () => {
    const perBlock = [...byKey.values()].filter((a) => a.maxRefill === 1n);
    expect(perBlock).toHaveLength(2);
    for (const a of perBlock) expect(a).toMatchObject({ refill: 1n, period: 1n });
  });
});

describe("diffPermissions", () => {
  const desired = desiredStatements(scope);

  it("reports no drift when the deployed facts equal the desired ones", () => {
    const deployed = foldStatements(desired.map(({ key, value }) => ({ key, value })));
    expect(diffPermissions(desired, deployed, OWNED)).toEqual({ missing: [], unexpected: [] });
  });

  it("reports a changed cap as missing, and fixes it with exactly that allowance call", () => {
    const widened = desiredStatements({ ...scope, caps: { ...scope.caps, callsPerHour: 1_000 } });
    const deployed = foldStatements(widened.map(({ key, value }) => ({ key, value })));
    const drift = diffPermissions(desired, deployed, OWNED);
    expect(drift.unexpected).toEqual([]);
    expect(drift.missing).toHaveLength(1);
    expect(drift.missing[0]!.deployed).toContain("maxRefill=1000,");
    const fix = callsToFixDrift(drift, desired, scope.roles);
    expect(fix).toHaveLength(1);
    expect(statementsOfCall(fix[0]!.data)[0]!.value).toContain("maxRefill=20,");
  });

  it("reports a permission granted outside config as unexpected and revokes it", () => {
    const extraKey = `function:${KEEPER_ROLE_KEY}:${A(99)}:0xa9059cbb`;
    const deployed = foldStatements([
      ...desired.map(({ key, value }) => ({ key, value })),
      { key: extraKey, value: "allow:0" },
    ]);
    const drift = diffPermissions(desired, deployed, OWNED);
    expect(drift.unexpected).toEqual([{ key: extraKey, deployed: "allow:0" }]);
    const [revoke] = callsToFixDrift(drift, desired, scope.roles);
    expect(statementsOfCall(revoke!.data)).toEqual([{ key: extraKey, value: null }]);
  });
});

describe("the Aave v3 scopes", () => {
  const WETH = A(30);
  const POOL = A(31);
  const DELEVERAGER = A(32);
  const aaveScope: TreasuryScope = {
    ...scope,
    deleverager: DELEVERAGER,
    aave: {
      pool: POOL,
      collateralAssets: [USDC],
      borrowAssets: [WETH],
      borrowPerDay: { [WETH]: 240n * 10n ** 18n },
      collateralPerDay: { [USDC]: 10n ** 12n },
    },
  };
  const functionsOf = (roleKey: Hex) =>
    desiredStatements(aaveScope)
      .filter((s) => s.key.startsWith(`function:${roleKey.toLowerCase()}:`) && s.value !== null)
      .map((s) => s.key.split(":").slice(2).join(":"));
  const fn = (target: string, signature: string) =>
    `${target.toLowerCase()}:${toFunctionSelector(signature)}`;
  const POOL_SIGNATURES = {
    supply: "supply(address,uint256,address,uint16)",
    withdraw: "withdraw(address,uint256,address)",
    borrow: "borrow(address,uint256,uint256,uint16,address)",
    repay: "repay(address,uint256,uint256,address)",
    repayWithATokens: "repayWithATokens(address,uint256,uint256)",
  };
  const approve = "approve(address,uint256)";

  it("lets the keeper supply, withdraw, borrow and repay on the Pool and approve both assets to it", () => {
    const keeper = functionsOf(KEEPER_ROLE_KEY);
    for (const signature of Object.values(POOL_SIGNATURES)) expect(keeper).toContain(fn(POOL, signature));
    expect(keeper).toContain(fn(USDC, approve));
    expect(keeper).toContain(fn(WETH, approve));
  });

  it("lets the deleverager repay and approve the borrowed asset to the Pool, and nothing else", () => {
    expect(functionsOf(DELEVERAGER_ROLE_KEY).sort()).toEqual(
      [fn(POOL, POOL_SIGNATURES.repay), fn(POOL, POOL_SIGNATURES.repayWithATokens), fn(WETH, approve)].sort(),
    );
    const membership = desiredStatements(aaveScope).find(
      (s) => s.key === `member:${DELEVERAGER_ROLE_KEY.toLowerCase()}:${DELEVERAGER.toLowerCase()}`,
    );
    expect(membership?.value).toBe("member");
  });

  it("has no deleverager role when none is hired", () => {
    const { deleverager: _, ...withoutDeleverager } = aaveScope;
    expect(
      desiredStatements(withoutDeleverager).some((s) => s.key.includes(DELEVERAGER_ROLE_KEY.toLowerCase())),
    ).toBe(false);
  });

  it("refills the borrowed amount and the collateral moved per asset, like the other flow caps", () => {
    const byKey = new Map(keeperAllowances(aaveScope).map((a) => [a.key, a]));
    expect(byKey.get(aaveBorrowDailyAllowanceKey(WETH))).toEqual({
      key: aaveBorrowDailyAllowanceKey(WETH),
      maxRefill: 240n * 10n ** 18n,
      refill: 10n * 10n ** 18n,
      period: 3_600n,
    });
    expect(byKey.get(aaveCollateralDailyAllowanceKey(USDC))?.maxRefill).toBe(10n ** 12n);
  });

  it("refuses an Aave asset without a daily cap, and a deleverager without an Aave scope", () => {
    expect(() => desiredStatements({ ...aaveScope, aave: { ...aaveScope.aave!, borrowPerDay: {} } })).toThrow(
      new TreasuryScopeError(`aave.borrowPerDay has no cap for borrow asset ${WETH}`),
    );
    expect(() =>
      desiredStatements({ ...aaveScope, aave: { ...aaveScope.aave!, collateralPerDay: {} } }),
    ).toThrow(new TreasuryScopeError(`aave.collateralPerDay has no cap for collateral asset ${USDC}`));
    expect(() => desiredStatements({ ...aaveScope, aave: undefined })).toThrow(
      new TreasuryScopeError("a deleverager needs an aave scope to repay on"),
    );
  });

  it("reports a borrow scope widened on chain (another asset borrowable) as drift of that function", () => {
    const desired = desiredStatements(aaveScope);
    const loosened = desiredStatements({
      ...aaveScope,
      aave: { ...aaveScope.aave!, borrowAssets: [WETH, DAI], borrowPerDay: { [WETH]: 1n, [DAI]: 1n } },
    });
    const drift = diffPermissions(desired, foldStatements(loosened), OWNED);
    expect(drift.missing.map((m) => m.key)).toContain(
      `function:${KEEPER_ROLE_KEY.toLowerCase()}:${fn(POOL, POOL_SIGNATURES.borrow)}`,
    );
  });
});
