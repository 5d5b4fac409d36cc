// The recent canonical chain as the indexer saw it, kept as parent-hash links (ponder's realtime sync,
// the OpenZeppelin monitor): a new header either extends the tip or reveals a reorg, whose common
// ancestor is found by walking back through hashes. Pure: headers in, verdicts out.

export interface BlockHeader {
  number: bigint;
  hash: `0x${string}`;
  parentHash: `0x${string}`;
  timestamp: bigint;
}

export type ChainStep =
  | { kind: "extends" }
  | { kind: "duplicate" }
  /** The header's parent is not our tip: blocks above `forkPoint` are orphaned (forkPoint = last block we still agree on, if known). */
  | { kind: "reorg"; orphaned: BlockHeader[] }
  /** The header is beyond tip + 1: the caller must fetch the blocks in between first. */
  | { kind: "gap"; missingFrom: bigint; missingTo: bigint };

export class HeaderChain {
  readonly #maxDepth: number;
  #headers: BlockHeader[] = [];

  constructor(maxDepth: number, initial: readonly BlockHeader[] = []) {
    if (!Number.isInteger(maxDepth) || maxDepth < 1)
      throw new RangeError("maxDepth must be a positive integer");
    this.#maxDepth = maxDepth;
    for (const header of initial) this.#push(header);
  }

  get tip(): BlockHeader | undefined {
    return this.#headers.at(-1);
  }

  /** The header we hold at `number`, if it is still within the window. */
  at(number: bigint): BlockHeader | undefined {
    const first = this.#headers[0];
    if (first === undefined) return undefined;
    return this.#headers[Number(number - first.number)];
  }

  /** Judge `header` against the tip without changing anything. */
  classify(header: BlockHeader): ChainStep {
    const tip = this.tip;
    if (tip === undefined) return { kind: "extends" };
    if (header.number === tip.number + 1n) {
      return header.parentHash === tip.hash
        ? { kind: "extends" }
        : { kind: "reorg", orphaned: this.#from(tip.number) };
    }
    if (header.number > tip.number + 1n)
      return { kind: "gap", missingFrom: tip.number + 1n, missingTo: header.number - 1n };
    const held = this.at(header.number);
    if (held?.hash === header.hash) return { kind: "duplicate" };
    return { kind: "reorg", orphaned: this.#from(header.number) };
  }

  /** Append a header that `classify` said extends the tip. */
  append(header: BlockHeader): void {
    const step = this.classify(header);
    if (step.kind !== "extends") throw new Error(`cannot append block ${header.number}: ${step.kind}`);
    this.#push(header);
  }

  /** Drop every header at or above `number` (after a reorg) and return them. */
  truncateFrom(number: bigint): BlockHeader[] {
    const orphaned = this.#from(number);
    this.#headers = this.#headers.filter((header) => header.number < number);
    return orphaned;
  }

  /** Whether `header` links to the header we hold just below it (used while walking back a reorg). */
  agreesWith(header: BlockHeader): boolean {
    return this.at(header.number)?.hash === header.hash;
  }

  #from(number: bigint): BlockHeader[] {
    return this.#headers.filter((header) => header.number >= number);
  }

  #push(header: BlockHeader): void {
    this.#headers.push(header);
    if (this.#headers.length > this.#maxDepth) this.#headers.shift();
  }
}
