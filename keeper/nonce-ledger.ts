// The signer's nonce ledger in Redis. A nonce is reserved only after a successful simulation, under the
// signer lock, and the plan record keeps it with the signed transaction; the ledger is reconciled with the chain's pending nonce at
// start and after every error, so it never drifts above the chain and never hands out a nonce twice.
import type { RedisConnection } from "../src/runtime/redis-connection.ts";

export interface NonceReconciliation {
  before: number | null;
  after: number;
  /** Nonces reserved but never seen by the node and not held by a signed transaction: rewound. */
  rewound: number[];
}

export function createNonceLedger(redis: RedisConnection, prefix: string, chainId: number, signer: string) {
  const nextKey = `${prefix}:nonce:${chainId}:${signer.toLowerCase()}`;
  return {
    async next(): Promise<number | null> {
      const text = await redis.get(nextKey);
      return text === null ? null : Number(text);
    },
    /** Reserve the next nonce: never below the chain's pending nonce. */
    async reserve(chainPending: number): Promise<number> {
      const nonce = (await redis.eval(
        `local cur = tonumber(redis.call('GET', KEYS[1]) or '-1')
         local pending = tonumber(ARGV[1])
         if cur < pending then cur = pending end
         redis.call('SET', KEYS[1], cur + 1)
         return cur`,
        1,
        nextKey,
        chainPending,
      )) as number;
      return nonce;
    },
    /**
     * Align with the chain: nonces at or above the chain's pending nonce that no signed transaction holds
     * (`held`) were reserved and never sent (a crash between reservation and signing): rewind past them. A
     * held nonce is re-broadcast by its confirm job, so the ledger stays after it.
     */
    async reconcile(chainPending: number, held: ReadonlySet<number>): Promise<NonceReconciliation> {
      const before = await this.next();
      let after = chainPending;
      for (const nonce of held) if (nonce >= after) after = nonce + 1;
      const rewound: number[] = [];
      if (before !== null) for (let n = after; n < before; n += 1) rewound.push(n);
      await redis.set(nextKey, after);
      return { before, after, rewound };
    },
  };
}

export type NonceLedger = ReturnType<typeof createNonceLedger>;
