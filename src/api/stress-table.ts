// The per-book stress table /api/stress publishes, from BookStatus.detail.stress. The detail is JSON some keeper
// version wrote, so each row is validated on its own (the evaluation's stress row schema, its P&L columns and, for a
// book with an Aave leg, that leg under the shock: its value change, health factor after, whether that is under 1;
// the spot leg and the perp's liquidation path are on the book page): a malformed row is left out rather than passed
// on, and the rest of the table stands.
import type { z } from "zod";
import { stressRowSchema } from "../evaluation/book-evaluation.ts";

const publishedStressRowSchema = stressRowSchema.pick({
  shock: true,
  lpPnlUsd: true,
  hedgePnlUsd: true,
  netPnlUsd: true,
  netPnlBps: true,
  aave: true,
});

/** A shock's LP, hedge and net P&L (and the Aave leg's, when the book has one), as the stress table shows it. */
export type PublishedStressRow = z.infer<typeof publishedStressRowSchema>;

export function stressRowsOf(detail: unknown): PublishedStressRow[] {
  const rows =
    typeof detail === "object" && detail !== null ? (detail as { stress?: unknown }).stress : undefined;
  if (!Array.isArray(rows)) return [];
  return rows.flatMap((row) => {
    const parsed = publishedStressRowSchema.safeParse(row);
    return parsed.success ? [parsed.data] : [];
  });
}
