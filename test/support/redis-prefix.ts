import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";

/** A Redis client on the run's REDIS_URL plus a key prefix no other test file (or parallel run) uses. */
export function isolatedRedis(label: string): { redis: Redis; prefix: string; cleanup(): Promise<void> } {
  const url = process.env.REDIS_URL;
  if (!url) throw new Error("REDIS_URL is not set: run tests through `npm test` or vitest's global setup");
  const redis = new Redis(url, { maxRetriesPerRequest: null });
  const prefix = `hk-test:${label}:${randomUUID().slice(0, 8)}`;
  return {
    redis,
    prefix,
    async cleanup() {
      // Keepers started from a configuration write under the prefix as a hash tag (`{prefix}`, redisKeyPrefix).
      const keys = [...(await redis.keys(`${prefix}*`)), ...(await redis.keys(`{${prefix}}*`))];
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
