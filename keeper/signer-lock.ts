// One signer, one sender at a time, across every worker process: a Redis lock (SET NX PX with a random
// token, released only by its holder) around "check nonce → sign → persist → broadcast".
import { randomUUID } from "node:crypto";
import type { RedisConnection } from "../src/runtime/redis-connection.ts";
import { WaitError } from "./errors.ts";

export function createSignerLock(
  redis: RedisConnection,
  prefix: string,
  chainId: number,
  signer: string,
  ttlMs: number,
) {
  const key = `${prefix}:signer-lock:${chainId}:${signer.toLowerCase()}`;
  return {
    /** Run `work` holding the lock; a held lock is a WaitError (the job is delayed, no attempt burned). */
    async with<T>(work: () => Promise<T>): Promise<T> {
      const token = randomUUID();
      const acquired = await redis.set(key, token, "PX", ttlMs, "NX");
      if (acquired === null) throw new WaitError("signer busy: another worker is sending", 50);
      const renew = setInterval(() => {
        redis
          .eval(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0",
            1,
            key,
            token,
            ttlMs,
          )
          .catch(() => {});
      }, ttlMs / 3);
      try {
        return await work();
      } finally {
        clearInterval(renew);
        await redis
          .eval(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0",
            1,
            key,
            token,
          )
          .catch(() => {});
      }
    },
  };
}

export type SignerLock = ReturnType<typeof createSignerLock>;
