// Job payloads: versioned, carrying ids and never state (the job re-reads state), validated on dequeue.
import { UnrecoverableError } from "bullmq";
import { z } from "zod";

const hex32 = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "must be a 32-byte hex string");
const blockNumber = z.string().regex(/^\d+$/, "must be a decimal block number");
const chainId = z.number().int().positive();

export const scanPayload = z.object({ v: z.literal(1), chainId });
export const evaluatePayload = z.object({
  v: z.literal(1),
  chainId,
  bookId: z.string().min(1),
  /** Decimal string: JSON has no bigint. */
  blockNumber,
});
/** Every book of one group (book-groups.ts) at one block. */
export const evaluateGroupPayload = z.object({
  v: z.literal(1),
  chainId,
  groupId: z.string().regex(/^[0-9a-f]{16}$/, "must be 16 lowercase hex digits"),
  blockNumber,
});
export const submitPayload = z.object({ v: z.literal(1), chainId, planId: hex32 });
export const confirmPayload = z.object({ v: z.literal(1), chainId, planId: hex32 });

export type ScanPayload = z.infer<typeof scanPayload>;
export type EvaluatePayload = z.infer<typeof evaluatePayload>;
export type EvaluateGroupPayload = z.infer<typeof evaluateGroupPayload>;
export type SubmitPayload = z.infer<typeof submitPayload>;
export type ConfirmPayload = z.infer<typeof confirmPayload>;

/** A payload this code cannot read will not read better on retry: fail the job for good, naming the key. */
export function parsePayload<T>(schema: z.ZodType<T>, data: unknown, queue: string): T {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new UnrecoverableError(
    `invalid ${queue} payload: ${issue?.path.join(".") || "(root)"} ${issue?.message ?? "is invalid"}`,
  );
}
