// An error and the errors that caused it, outermost first: the one walk along `cause` links that every classifier
// and message matcher uses (viem's BaseError.walk follows the same links). Bounded, so a cycle cannot hang it.

const MAX_DEPTH = 16;

/** `error`, then its `cause`, then that one's `cause`, … (at most MAX_DEPTH links; null and undefined end it). */
export function* causeChain(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; current !== undefined && current !== null && depth < MAX_DEPTH; depth += 1) {
    yield current;
    current = (current as { cause?: unknown }).cause;
  }
}

/** The first error along the chain that `match` accepts, or undefined. */
export function findInChain<T>(error: unknown, match: (link: unknown) => link is T): T | undefined;
export function findInChain(error: unknown, match: (link: unknown) => boolean): unknown;
export function findInChain(error: unknown, match: (link: unknown) => boolean): unknown {
  for (const link of causeChain(error)) if (match(link)) return link;
  return undefined;
}
