// Each LP position of an evaluation as the book page and `status --json` show it: v2, v3 and v4 side by side, a
// v4 pool's hook (address and the permissions its address bits grant) and its LP fee as slot0 reports it.
import type { BookMetrics } from "../engine/book-metrics.ts";
import { poolIdOf } from "../engine/pool-identity.ts";
import type { BookSnapshot, PoolSnapshot } from "../engine/snapshot.ts";
import { hasHook, hookPermissionNames, isDynamicFee } from "../engine/v4-hook-flags.ts";
import type { LpPositionDetail } from "./book-evaluation.ts";

export function lpPositionDetails(metrics: BookMetrics, snapshot: BookSnapshot): LpPositionDetail[] {
  const pools = new Map<string, PoolSnapshot>(snapshot.pools.map((p) => [poolIdOf(p), p]));
  return metrics.lp.map((m) => {
    const pool = pools.get(m.pool.toLowerCase());
    const common = {
      id: m.id,
      pool: m.pool,
      inRange: m.inRange,
      valueUsd: m.valueUsd,
      feesUsd: m.feesUsd,
      deltaBase: m.deltaBase,
    };
    if (pool?.kind === "uniswap-v4") {
      return {
        ...common,
        protocol: "uniswap-v4",
        lpFeePips: pool.lpFee,
        dynamicFee: isDynamicFee(pool.key.fee),
        hook: hasHook(pool.key.hooks)
          ? { address: pool.key.hooks, permissions: hookPermissionNames(pool.key.hooks) }
          : null,
      };
    }
    if (pool?.kind === "uniswap-v3") {
      return { ...common, protocol: "uniswap-v3", lpFeePips: pool.fee, dynamicFee: false, hook: null };
    }
    return { ...common, protocol: "uniswap-v2", lpFeePips: null, dynamicFee: false, hook: null };
  });
}
