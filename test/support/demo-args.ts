import { freeLoopbackPort } from "../../src/runtime/free-port.ts";

/**
 * `scripts/demo.ts` as the demo tests run it: to the end and out (`--exit`), its report written to `report`, its
 * devnet on a free port (another demo, a second run or the other demo test, may hold 8545) and its dashboard on
 * `dashboardPort` (0: any); `extra` after.
 */
export async function demoArgs(
  report: string,
  dashboardPort: number,
  extra: readonly string[] = [],
): Promise<string[]> {
  return [
    "scripts/demo.ts",
    "--exit",
    "--report",
    report,
    "--port",
    String(await freeLoopbackPort()),
    "--dashboard-port",
    String(dashboardPort),
    ...extra,
  ];
}
