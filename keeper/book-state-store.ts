// Per book: the engine's memory between decisions (hysteresis, last plan time) and the last successful
// evaluation (for health). Both are small JSON strings; losing them (a Redis without persistence) costs at
// most one cooldown, never a duplicate: the chain holds the hedge, and plans re-check it on-chain.

import type { KeeperState } from "../src/engine/snapshot.ts";
import type { DecisionKind } from "../src/evaluation/book-evaluation.ts";
import type { RedisConnection } from "../src/runtime/redis-connection.ts";
import { decodeJson, encodeJson } from "./plan-codec.ts";

export interface LastEvaluation {
  bookId: string;
  blockNumber: bigint;
  atMs: number;
  driftBps: number;
  decision: DecisionKind;
  reason: string;
  planId?: string;
}

const FRESH_STATE: KeeperState = { hedgeTriggered: false, lastPlanAtSec: null };
/** A book's engine state from its stored text; a book never recorded starts fresh. */
export const keeperStateOf = (text: string | null): KeeperState =>
  text === null ? FRESH_STATE : (JSON.parse(text) as KeeperState);

export function createBookStateStore(redis: RedisConnection, prefix: string) {
  const stateKey = (bookId: string) => `${prefix}:book-state:${bookId}`;
  const evalKey = (bookId: string) => `${prefix}:last-evaluation:${bookId}`;
  return {
    async state(bookId: string): Promise<KeeperState> {
      return keeperStateOf(await redis.get(stateKey(bookId)));
    },
    /**
     * Each book's stored state as text, in one MGET (one Cluster slot, as above): parsed per book (keeperStateOf),
     * so one book's unreadable state fails that book alone.
     */
    async stateTextsOfBooks(bookIds: readonly string[]): Promise<(string | null)[]> {
      return bookIds.length === 0 ? [] : redis.mget(bookIds.map(stateKey));
    },
    /**
     * Both keys in one MSET (atomic, as MULTI/EXEC was; one Cluster slot by the prefix's hash tag). Every book records
     * at every block, and ioredis builds a whole Pipeline object for a MULTI: a tenth of a monitor's CPU on the
     * scale bench's profile, for three commands where one does.
     */
    async record(bookId: string, state: KeeperState | undefined, evaluation: LastEvaluation): Promise<void> {
      const last = encodeJson(evaluation);
      if (state === undefined) await redis.set(evalKey(bookId), last);
      else await redis.mset(stateKey(bookId), JSON.stringify(state), evalKey(bookId), last);
    },
    async lastEvaluation(bookId: string): Promise<LastEvaluation | undefined> {
      const text = await redis.get(evalKey(bookId));
      return text === null ? undefined : decodeJson<LastEvaluation>(text);
    },
    /**
     * Each book's last evaluation, in one MGET: the health refresh reads every book's every 2 s, and a GET per book
     * was most of a thousand-book keeper's Redis commands. The keys share the prefix's hash tag (one Cluster slot).
     */
    async lastEvaluations(bookIds: readonly string[]): Promise<(LastEvaluation | undefined)[]> {
      if (bookIds.length === 0) return [];
      const texts = await redis.mget(bookIds.map(evalKey));
      return texts.map((text) => (text === null ? undefined : decodeJson<LastEvaluation>(text)));
    },
  };
}

export type BookStateStore = ReturnType<typeof createBookStateStore>;
