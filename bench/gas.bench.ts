// `npm run bench:gas`: the gas one rebalance costs through the keeper's path (Zodiac Roles → Safe →
// MultiSendCallOnly → HedgeGuard premise, venue calls, HedgeGuard post-checks) against the same venue calls made
// directly by the treasury's own address, at the same chain state: a perp resize, a de-peg swap, and the Aave
// borrow short (borrow + swap) and its repay path. Writes bench/results/gas.json.
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { type Address, encodeFunctionData, type Hex, toFunctionSelector } from "viem";
import { callsPlannedForApplyRole, encodeCalls, processPermissions, rolesAbi } from "zodiac-roles-sdk";
import { AAVE_V3_POOL_ABI, AAVE_VARIABLE_RATE_MODE } from "../src/chain/abis/aave-v3-abi.ts";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../src/devnet/accounts.ts";
import { setUpDevnetKeeper } from "../src/devnet/devnet-keeper-setup.ts";
import { startDevnet } from "../src/devnet/index.ts";
import { execSafeTransaction } from "../src/devnet/treasury-transaction.ts";
import type { Plan } from "../src/engine/plan.ts";
import { DELEGATE_CALL, encodeMultiSend, type MetaTransaction } from "../src/execution/multisend.ts";
import { keeperPermissions } from "../src/execution/permissions.ts";
import { planToBatch, planToRolesCall } from "../src/execution/plan-batch.ts";
import { KEEPER_ROLE_KEY } from "../src/execution/role-keys.ts";
import {
  aaveAction,
  aavePlan,
  shortMorePlan,
  usdcToUsdtPlan,
  wethSale,
} from "../test/support/devnet-plans.ts";

/** The perp rebalance's budget for everything the keeper's path adds over the venue call made directly. */
const OVERHEAD_LIMIT_GAS = 200_000n;

// Roles v2 condition operators (zodiac-roles-deployments' Operator enum) that the floor analysis strips.
const PASS = 0;
const CUSTOM = 22;
const WITHIN_ALLOWANCE = 28;
const CALL_WITHIN_ALLOWANCE = 30;
const OPEN_POSITION_SELECTOR = toFunctionSelector(
  "openPosition((address,bool,bool,uint256,uint256,uint256,uint160,bytes32))",
);

type ProcessedTargets = ReturnType<typeof processPermissions>["targets"];
type FunctionScope = ProcessedTargets[number]["functions"][number];

const devnet = await startDevnet({ inProcess: true });
try {
  const setup = await setUpDevnetKeeper(devnet.client, devnet.manifest);
  const keeper = devnet.walletFor("keeper");

  async function sendAndMeasure(from: Address, to: Address, data: Hex): Promise<bigint> {
    const hash = await devnet.client.publicClient.request({
      method: "eth_sendTransaction",
      params: [{ from, to, data, gas: "0x1c9c380" }],
    } as never);
    const receipt = await devnet.publicClient.waitForTransactionReceipt({ hash: hash as Hex });
    if (receipt.status !== "success") throw new Error(`measured transaction reverted (${to})`);
    return receipt.gasUsed;
  }

  /**
   * Steady-state gas of one rebalance: each path runs the plan twice and the second run is measured, so
   * one-time costs (an allowance's first refill timestamp, a venue's first funding update) count on neither side.
   */
  const fullBatch = (batch: MetaTransaction[]) => batch;
  /** The plan's venue calls: the batch between HedgeGuard's premise and its post checks. */
  const venueCalls = (batch: MetaTransaction[], plan: Plan) => batch.slice(1, 1 + plan.actions.length);
  async function measure(
    name: string,
    build: () => Promise<Plan>,
    limitGas: bigint | null = OVERHEAD_LIMIT_GAS,
  ) {
    const before = await devnet.snapshot();
    await devnet.testClient.impersonateAccount({ address: setup.scope.safe });
    await devnet.testClient.setBalance({ address: setup.scope.safe, value: 10n ** 20n });
    let directGas = 0n;
    for (let run = 0; run < 2; run += 1) {
      const plan = await build();
      directGas = 0n;
      for (const venueCall of venueCalls(planToBatch(plan, setup.targets), plan)) {
        directGas += await sendAndMeasure(setup.scope.safe, venueCall.to, venueCall.data);
      }
    }
    await devnet.testClient.stopImpersonatingAccount({ address: setup.scope.safe });
    await devnet.revert(before);

    /** Steady-state gas of the keeper's Roles transaction over a batch made from the plan by `shape`. */
    const keeperPath = async (shape: (batch: MetaTransaction[], plan: Plan) => MetaTransaction[]) => {
      const again = await devnet.snapshot();
      let gas = 0n;
      for (let run = 0; run < 2; run += 1) {
        const plan = await build();
        const data = encodeFunctionData({
          abi: rolesAbi,
          functionName: "execTransactionWithRole",
          args: [
            setup.scope.multiSendCallOnly,
            0n,
            encodeMultiSend(shape(planToBatch(plan, setup.targets), plan)),
            DELEGATE_CALL,
            KEEPER_ROLE_KEY,
            true,
          ],
        });
        if (shape === fullBatch && data !== planToRolesCall(plan, setup.targets).data) {
          throw new Error("the measured batch is not the one the keeper sends");
        }
        gas = await sendAndMeasure(keeper.account.address, setup.scope.roles, data);
      }
      await devnet.revert(again);
      return gas;
    };
    const wrappedGas = await keeperPath(fullBatch);
    const venueAndPostGas = await keeperPath((batch) => batch.slice(1));
    const venueOnlyGas = await keeperPath(venueCalls);

    const overheadGas = wrappedGas - directGas;
    return {
      name,
      directGas: Number(directGas),
      wrappedGas: Number(wrappedGas),
      overheadGas: Number(overheadGas),
      overheadPctOfDirect: Number(((Number(overheadGas) / Number(directGas)) * 100).toFixed(1)),
      limitGas: limitGas === null ? null : Number(limitGas),
      withinLimit: limitGas === null || overheadGas < limitGas,
      breakdown: {
        rolesSafeMultiSendWithAllowances: Number(venueOnlyGas - directGas),
        // checkPost / checkBalances, and checkHealthFactor when the plan sets an Aave floor.
        hedgeGuardCheckPost: Number(venueAndPostGas - venueOnlyGas),
        hedgeGuardCheckPremise: Number(wrappedGas - venueAndPostGas),
      },
    };
  }

  /**
   * The keeper's role with `openPosition` re-scoped by `rescope` (applied by the Safe, the Roles owner, from a
   * snapshot that is reverted afterwards): what each part of the configured scope costs on the same rebalance.
   */
  async function withOpenPositionScope<T>(
    rescope: (scope: FunctionScope) => FunctionScope,
    run: () => Promise<T>,
  ) {
    const before = await devnet.snapshot();
    const configured = processPermissions(keeperPermissions(setup.scope)).targets;
    const variant = configured.map((target) => ({
      ...target,
      functions: target.functions.map((f) => (f.selector === OPEN_POSITION_SELECTOR ? rescope(f) : f)),
    }));
    const role = { key: KEEPER_ROLE_KEY, members: [setup.scope.keeper], annotations: [], lastUpdate: 0 };
    const calls = encodeCalls(
      callsPlannedForApplyRole({ ...role, targets: configured }, { ...role, targets: variant }),
      setup.scope.roles,
    );
    await devnet.testClient.impersonateAccount({ address: setup.scope.safe });
    await devnet.testClient.setBalance({ address: setup.scope.safe, value: 10n ** 20n });
    for (const call of calls) await sendAndMeasure(setup.scope.safe, call.to as Address, call.data);
    await devnet.testClient.stopImpersonatingAccount({ address: setup.scope.safe });
    try {
      return await run();
    } finally {
      await devnet.revert(before);
    }
  }
  const withoutChildren = (operators: number[]) => (f: FunctionScope) => {
    if (!f.condition) throw new Error("openPosition has no condition to strip");
    const children = (f.condition.children ?? []).filter((child) => !operators.includes(child.operator));
    return { ...f, condition: { ...f.condition, children } };
  };
  /** The HedgeBounds check replaced by Pass in place: a Matches node's children are positional. */
  const withoutBounds = (f: FunctionScope) => {
    if (!f.condition) throw new Error("openPosition has no condition to strip");
    const children = (f.condition.children ?? []).map((child) =>
      child.operator === CUSTOM ? { paramType: child.paramType, operator: PASS } : child,
    );
    return { ...f, condition: { ...f.condition, children } };
  };
  const floorVariants: [string, (f: FunctionScope) => FunctionScope][] = [
    ["as configured: market + daily size + one per block + HedgeBounds (oracle, ceiling)", (f) => f],
    ["without HedgeBounds", withoutBounds],
    [
      "without HedgeBounds and the per-block call allowance",
      (f) => withoutChildren([CALL_WITHIN_ALLOWANCE])(withoutBounds(f)),
    ],
    [
      "market only (no allowance, no HedgeBounds)",
      (f) => withoutChildren([CALL_WITHIN_ALLOWANCE, WITHIN_ALLOWANCE])(withoutBounds(f)),
    ],
    ["no condition (any market, no allowance)", (f) => ({ ...f, wildcarded: true, condition: undefined })],
  ];
  const floor = [];
  for (const [label, rescope] of floorVariants) {
    const gas = await withOpenPositionScope(rescope, () =>
      measure(label, () => shortMorePlan(devnet, setup, 5n * 10n ** 17n)),
    );
    floor.push({
      scope: label,
      overheadGas: gas.overheadGas,
      venueOnlyOverheadGas: gas.breakdown.rolesSafeMultiSendWithAllowances,
      withinLimit: gas.withinLimit,
    });
  }

  const cases = [
    await measure("hedge resize (perp openPosition, 0.5 vETH)", () =>
      shortMorePlan(devnet, setup, 5n * 10n ** 17n),
    ),
    await measure(
      "de-peg swap (exactInputSingle, 10,000 USDC → USDT)",
      () => usdcToUsdtPlan(devnet, setup, 10_000n * 10n ** 6n),
      null, // reported, not budgeted: its Or over the pairs costs an allowance per pair (docs/treasuries.md)
    ),
    ...(await aaveCases()),
  ];

  /**
   * The Aave v3 rebalance, from a Safe whose owners supplied 900,000 USDC: grow the borrow short (borrow WETH and
   * sell it for USDC), and its repay path (repay WETH from the Safe's balance). Reported, not budgeted against the
   * perp's limit: two venue calls, and the swap's Or over the configured pairs.
   */
  async function aaveCases() {
    const market = devnet.manifest.aave;
    if (market === undefined) return [];
    const { weth, usdc } = devnet.manifest.contracts;
    const before = await devnet.snapshot();
    const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
    await execSafeTransaction(
      devnet.client,
      setup.scope.safe,
      [devnetAccount(first), devnetAccount(second)],
      {
        to: market.pool,
        data: encodeFunctionData({
          abi: AAVE_V3_POOL_ABI,
          functionName: "supply",
          args: [usdc, 900_000n * 10n ** 6n, setup.scope.safe, 0],
        }),
        label: "owners supply USDC collateral on Aave",
      },
    );
    const floor = { minHealthFactorWad: 12n * 10n ** 17n };
    const borrowShort = await measure(
      "Aave borrow short (borrow 10 WETH + sell it for USDC)",
      async () =>
        aavePlan(
          devnet,
          [
            aaveAction(devnet, "aave.borrow", weth, 10n * 10n ** 18n),
            await wethSale(devnet, 10n * 10n ** 18n),
          ],
          floor,
        ),
      null,
    );
    // The repay path starts from 20 WETH borrowed and kept in the Safe.
    await devnet.testClient.impersonateAccount({ address: setup.scope.safe });
    await devnet.testClient.setBalance({ address: setup.scope.safe, value: 10n ** 20n });
    await sendAndMeasure(
      setup.scope.safe,
      market.pool,
      encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "borrow",
        args: [weth, 20n * 10n ** 18n, AAVE_VARIABLE_RATE_MODE, 0, setup.scope.safe],
      }),
    );
    await devnet.testClient.stopImpersonatingAccount({ address: setup.scope.safe });
    const repay = await measure(
      "Aave repay (repay 5 WETH from the Safe)",
      () => aavePlan(devnet, [aaveAction(devnet, "aave.repay", weth, 5n * 10n ** 18n)], floor),
      null,
    );
    await devnet.revert(before);
    return [borrowShort, repay];
  }

  console.log(
    "\nRebalance gas: keeper path (Roles + Safe + MultiSend + HedgeGuard) vs the venue call made directly\n",
  );
  console.log(
    `${"case".padEnd(52)} ${"direct".padStart(9)} ${"wrapped".padStart(9)} ${"overhead".padStart(9)} ${"% of direct".padStart(12)}`,
  );
  for (const c of cases) {
    console.log(
      `${c.name.padEnd(52)} ${String(c.directGas).padStart(9)} ${String(c.wrappedGas).padStart(9)} ${String(c.overheadGas).padStart(9)} ${`${c.overheadPctOfDirect}%`.padStart(12)}  ${c.limitGas === null ? "" : c.withinLimit ? "ok" : `OVER ${c.limitGas}`}`,
    );
    const b = c.breakdown;
    console.log(
      `${"".padEnd(4)}of which: Roles + Safe + MultiSend (the scoped venue calls: allowances, HedgeBounds) ${b.rolesSafeMultiSendWithAllowances}, HedgeGuard.checkPremise (with the replay record) ${b.hedgeGuardCheckPremise}, post checks (checkPost / checkBalances / checkHealthFactor) ${b.hedgeGuardCheckPost}`,
    );
  }
  console.log(
    "\nWhere the overhead goes (hedge resize, full batch): the keeper's scope on openPosition, part by part\n",
  );
  console.log(
    `${"openPosition scope".padEnd(70)} ${"overhead".padStart(9)} ${"of it Roles+Safe+MultiSend".padStart(27)}`,
  );
  for (const f of floor) {
    console.log(
      `${f.scope.padEnd(70)} ${String(f.overheadGas).padStart(9)} ${String(f.venueOnlyOverheadGas).padStart(27)}  ${f.withinLimit ? "ok" : `OVER ${OVERHEAD_LIMIT_GAS}`}`,
    );
  }
  writeFileSync(
    "bench/results/gas.json",
    `${JSON.stringify({ benchmark: "gas", generatedAt: new Date().toISOString(), machine: { cpus: cpus().length, node: process.version }, overheadLimitGas: Number(OVERHEAD_LIMIT_GAS), cases, overheadByOpenPositionScope: floor }, null, 2)}\n`,
  );
  console.log("\nwrote bench/results/gas.json");
  if (!cases.every((c) => c.withinLimit)) process.exitCode = 1;
} finally {
  await devnet.stop();
}
