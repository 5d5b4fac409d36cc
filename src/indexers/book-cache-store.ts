// Where a book indexer keeps what it learned across restarts: the immutable facts of the book's positions, pools
// and tokens (v3-statics.ts) and its last complete snapshot's v3 state (incremental-cache.ts). A restarted keeper
// loads them and reads the block after a crash as it reads any next block: the logs since the stored snapshot
// say what changed, instead of rediscovering every position and re-reading every tick.
import type { Redis } from "ioredis";
import type { TokenRef } from "../engine/snapshot.ts";
import type { BookCache } from "./incremental-cache.ts";
import type { PoolStatics, PositionStatics } from "./v3-statics.ts";

export interface StoredBook {
  /** The facts never change; the cache is only built on when its block is still canonical (changesSince). */
  statics: { positions: PositionStatics[]; pools: [string, PoolStatics][]; tokens: TokenRef[] };
  cache: BookCache;
}

export interface BookCacheStore {
  load(): Promise<StoredBook | undefined>;
  save(book: StoredBook): Promise<void>;
}

const FORMAT = 1;

// bigints and Maps as tagged objects: JSON has neither.
const encode = (_key: string, value: unknown) =>
  typeof value === "bigint"
    ? { $bigint: value.toString() }
    : value instanceof Map
      ? { $map: [...value] }
      : value;
const decode = (_key: string, value: unknown) => {
  if (typeof value !== "object" || value === null) return value;
  if ("$bigint" in value) return BigInt((value as { $bigint: string }).$bigint);
  if ("$map" in value) return new Map((value as { $map: [unknown, unknown][] }).$map);
  return value;
};

export function encodeStoredBook(book: StoredBook): string {
  return JSON.stringify({ format: FORMAT, ...book }, encode);
}

/** The stored book, or undefined when it was written in another format (it is then simply not used). */
export function decodeStoredBook(text: string): StoredBook | undefined {
  const parsed = JSON.parse(text, decode) as Partial<StoredBook> & { format?: unknown };
  if (parsed.format !== FORMAT || parsed.statics === undefined || parsed.cache === undefined)
    return undefined;
  return { statics: parsed.statics, cache: parsed.cache };
}

/** One Redis string per set of book sources, under `<prefix>:book-cache:<chainId>:<name>`. */
export function createRedisBookCacheStore(
  redis: Redis,
  key: { prefix: string; chainId: number; name: string },
): BookCacheStore {
  const redisKey = `${key.prefix}:book-cache:${key.chainId}:${key.name}`;
  return {
    async load() {
      const text = await redis.get(redisKey);
      return text === null ? undefined : decodeStoredBook(text);
    },
    async save(book) {
      await redis.set(redisKey, encodeStoredBook(book));
    },
  };
}
