import { defineConfig } from "vitest/config";

// Four tiers, run fastest first by `npm test` (scripts/run-tests.ts):
//   unit        pure code, next to the sources (x.ts + x.test.ts), the benches' pure parts included
//   contract    Solidity through Hardhat's in-process chain (hre.network.connect())
//   integration the devnet, real Redis, real PostgreSQL, real processes
//   browser     the built dashboard in the machine's Chromium (playwright-core), over the real API and store
export default defineConfig({
  test: {
    globalSetup: ["./test/setup/redis.ts"],
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "keeper/**/*.test.ts", "bench/**/*.test.ts"],
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: { name: "contract", include: ["test/contract/**/*.test.ts"], testTimeout: 60_000 },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          // Two cores: integration files each start chains and services; keep them from starving each other.
          maxWorkers: 2,
        },
      },
      {
        // Not `extends`: the browser tier needs no Redis, only the dashboard built once before it starts.
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          globalSetup: ["./test/browser/build-dashboard.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time: a second competes for the same cores and makes timings flaky.
          maxWorkers: 1,
        },
      },
    ],
  },
});
