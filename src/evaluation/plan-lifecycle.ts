// How a book's plans are carried out (its mode) and where a plan stands (its status): the keeper writes them,
// the history keeps them, the API serves them and the dashboard colours them, all as these literal unions.

/** shadow: record and announce only; propose: a Safe transaction for the owners; execute: the keeper sends it. */
export const BOOK_MODES = ["shadow", "propose", "execute"] as const;
export type BookMode = (typeof BOOK_MODES)[number];

export const PLAN_STATUSES = [
  "planned", // decided, waiting for its submit job
  "shadowed", // shadow mode: recorded and announced, never sent
  "proposed", // propose mode: a Safe transaction for the owners
  "submitted", // a signed transaction was broadcast
  "mined", // executed and confirmed
  "reverted", // mined but reverted (the guard caught a premise that changed after the simulation)
  "failed", // refused before sending (simulation reverted, deadline passed)
  "superseded", // refused by its simulation on a pool that moved since its block: the book is planned again
  "cancelled", // the deadline passed while pending: replaced by a zero-value self-transfer
  "dropped", // the nonce was used by another transaction
] as const;
export type PlanStatus = (typeof PLAN_STATUSES)[number];
