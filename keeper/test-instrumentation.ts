// Test instrumentation, off unless its environment variable is set: a deterministic "mid-submit" for the fault tests
// that SIGKILL a worker process there. With HEDGEKEEPER_TEST_HALT_AFTER_SIGNED=1 the process's first plan
// transaction is signed and recorded, then the job halts before the broadcast, forever, after announcing it on
// stderr (`TEST_HALT_MARKER` plan=<id> tx=<hash>): the test kills the process at exactly that point.
import type { KeeperHooks } from "./context.ts";

export const TEST_HALT_ENV = "HEDGEKEEPER_TEST_HALT_AFTER_SIGNED";
export const TEST_HALT_MARKER = "test instrumentation: halted after signing";

export function testInstrumentationHooks(
  env: Readonly<Record<string, string | undefined>>,
): Pick<KeeperHooks, "afterSigned"> {
  if (env[TEST_HALT_ENV] !== "1") return {};
  let halted = false;
  return {
    afterSigned(planId, txHash) {
      if (halted) return Promise.resolve();
      halted = true;
      process.stderr.write(`${TEST_HALT_MARKER} plan=${planId} tx=${txHash}\n`);
      return new Promise<void>(() => {});
    },
  };
}
