// One round of reads at one block, put together by the parts of a snapshot: each part adds its reads and keeps a
// slot per read, then takes its decoded values from the round's outcomes. The order reads are added in is the
// order they are sent (readAtBlock packs consecutive reads into eth_calls).
import type { ChainError } from "./errors.ts";
import { type ContractRead, type ReadOutcome, requireValue } from "./read-at-block.ts";
import type { TypedRead } from "./typed-read.ts";

export interface ReadSlot<T> {
  /** The decoded value; the read's own classified error is thrown when it failed. */
  value(outcomes: readonly ReadOutcome[]): T;
  /** The outcome, for a read whose failure the snapshot can live with. */
  outcome(outcomes: readonly ReadOutcome[]): { ok: true; value: T } | { ok: false; error: ChainError };
}

export interface ReadBatch {
  readonly reads: readonly ContractRead[];
  add<T>(read: TypedRead<T>, what: string): ReadSlot<T>;
  /** Reads whose values their owner decodes together (a perp venue's position reads); `what i` names each. */
  addGroup(reads: readonly ContractRead[], what: string): ReadSlot<unknown[]>;
}

export function createReadBatch(): ReadBatch {
  const reads: ContractRead[] = [];
  return {
    reads,
    add(read, what) {
      const at = reads.length;
      reads.push(read);
      return {
        value: (outcomes) => read.decode(requireValue(outcomes[at], what)),
        outcome: (outcomes) => {
          const outcome = outcomes[at];
          return outcome?.ok === false
            ? outcome
            : { ok: true, value: read.decode(requireValue(outcome, what)) };
        },
      };
    },
    addGroup(group, what) {
      const from = reads.length;
      reads.push(...group);
      const value = (outcomes: readonly ReadOutcome[]) =>
        group.map((_, i) => requireValue<unknown>(outcomes[from + i], `${what} ${i}`));
      return { value, outcome: (outcomes) => ({ ok: true, value: value(outcomes) }) };
    },
  };
}
