import { describe, expect, it } from "vitest";
import { callsToFixDrift, diffPermissions, foldStatements } from "./permission-drift.ts";
import { TreasuryScopeError } from "./permissions.ts";
import { KEEPER_ROLE_KEY } from "./role-keys.ts";
import { desiredStatements, statementsOfCall } from "./role-statements.ts";
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
  caps: {
    perpBasePerDay: 50n * 10n ** 18n,
    swapAmountInPerDay: { [USDC]: 10n ** 12n, [DAI]: 10n ** 24n },
    collateralPerDay: { [USDC]: 10n ** 12n },
    callsPerHour: 20,
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
