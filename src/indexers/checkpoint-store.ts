import type { RedisConnection } from "../runtime/redis-connection.ts";
import type { BlockHeader } from "./header-chain.ts";

/** Where a follower keeps the recent headers it indexed, so a restart resumes (and detects reorgs) from there. */
export interface CheckpointStore {
  load(): Promise<BlockHeader[] | undefined>;
  save(headers: readonly BlockHeader[]): Promise<void>;
}

interface StoredHeader {
  number: string;
  hash: `0x${string}`;
  parentHash: `0x${string}`;
  timestamp: string;
}

/** The checkpoint as one Redis string (JSON of the last headers), under `<prefix>:checkpoint:<chainId>:<name>`. */
export function createRedisCheckpointStore(
  redis: RedisConnection,
  key: { prefix: string; chainId: number; name: string },
): CheckpointStore {
  const redisKey = `${key.prefix}:checkpoint:${key.chainId}:${key.name}`;
  return {
    async load() {
      const raw = await redis.get(redisKey);
      if (raw === null) return undefined;
      const stored = JSON.parse(raw) as StoredHeader[];
      return stored.map((header) => ({
        number: BigInt(header.number),
        hash: header.hash,
        parentHash: header.parentHash,
        timestamp: BigInt(header.timestamp),
      }));
    },
    async save(headers) {
      const stored: StoredHeader[] = headers.map((header) => ({
        number: header.number.toString(),
        hash: header.hash,
        parentHash: header.parentHash,
        timestamp: header.timestamp.toString(),
      }));
      await redis.set(redisKey, JSON.stringify(stored));
    },
  };
}
