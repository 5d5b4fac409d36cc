import type { TestProject } from "vitest/node";
import { ensureRedis } from "../../src/runtime/redis-server.ts";

// Every test that needs Redis reads REDIS_URL. `npm test` resolves it once for all tiers
// (scripts/run-tests.ts); a direct `npx vitest` resolves it here by the same rule.
export default async function setup(_project: TestProject) {
  const redis = await ensureRedis({ configuredUrl: process.env.REDIS_URL });
  process.env.REDIS_URL = redis.url;
  return async () => {
    await redis.stop();
  };
}
