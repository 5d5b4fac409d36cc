// Every BullMQ job id the keeper uses comes from here, so the same work always gets the same id and BullMQ
// refuses a second copy while the first exists. Ids never contain ":" (BullMQ reserves it) and are never
// bare integers.

export const jobIds = {
  /** The per-chain job scheduler that produces `scan` jobs. */
  scanScheduler: (chainId: number): string => `scan-${chainId}`,
  /** One evaluation per book per block. */
  evaluate: (chainId: number, bookId: string, blockNumber: bigint): string =>
    `evaluate-${chainId}-${encodeURIComponent(bookId)}-${blockNumber}`,
  /** One evaluation of a book group (book-groups.ts) per block; "evaluate-group-…" never reads as a book's id. */
  evaluateGroup: (chainId: number, groupId: string, blockNumber: bigint): string =>
    `evaluate-group-${chainId}-${groupId}-${blockNumber}`,
  /** The plan id is the idempotency key: one submit job per plan, ever. */
  submit: (chainId: number, planId: string): string => `submit-${chainId}-${planId}`,
  confirm: (chainId: number, planId: string): string => `confirm-${chainId}-${planId}`,
} as const;
