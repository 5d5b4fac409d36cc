// `npm test`: the whole suite, fastest tier first, stopping at the first failing tier.
// Redis is resolved once here (the project's rule, src/runtime/redis-server.ts) so that a machine
// without it fails in seconds with one line, and every tier shares the same server.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureRedis, RedisUnavailableError } from "../src/runtime/redis-server.ts";

// browser: the built dashboard in the machine's Chromium; its global set-up builds dashboard/dist first.
const TIERS = ["unit", "contract", "integration", "browser"] as const;

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
}

async function main(): Promise<number> {
  let redis: Awaited<ReturnType<typeof ensureRedis>>;
  try {
    redis = await ensureRedis({ configuredUrl: process.env.REDIS_URL });
  } catch (error) {
    if (error instanceof RedisUnavailableError) {
      console.error(`error: ${error.message}`);
      return 1;
    }
    throw error;
  }
  if (redis.started) console.log(`started a private redis-server at ${redis.url} for this run`);

  const reportDir = mkdtempSync(join(tmpdir(), "hedgekeeper-test-"));
  const extraArgs = process.argv.slice(2);
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let exitCode = 0;
  try {
    // Contract tests compile first so vitest workers never race on the artifacts folder.
    const build = spawnSync("npx", ["hardhat", "build", "--quiet"], { stdio: "inherit" });
    if (build.status !== 0) return 1;
    for (const tier of TIERS) {
      const reportFile = join(reportDir, `${tier}.json`);
      console.log(`\n── ${tier} tests ──`);
      const run = spawnSync(
        "npx",
        [
          "vitest",
          "run",
          "--project",
          tier,
          "--reporter=default",
          "--reporter=json",
          `--outputFile.json=${reportFile}`,
          "--passWithNoTests",
          ...extraArgs,
        ],
        { stdio: "inherit", env: { ...process.env, REDIS_URL: redis.url } },
      );
      try {
        const report = JSON.parse(readFileSync(reportFile, "utf8")) as VitestJsonReport;
        passed += report.numPassedTests;
        failed += report.numFailedTests;
        skipped += report.numPendingTests + report.numTodoTests;
      } catch {
        failed += 1; // the tier crashed before writing its report
      }
      if (run.status !== 0) {
        exitCode = run.status ?? 1;
        break;
      }
    }
  } finally {
    rmSync(reportDir, { recursive: true, force: true });
    await redis.stop();
  }
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  return exitCode !== 0 ? exitCode : failed > 0 ? 1 : 0;
}

process.exitCode = await main();
