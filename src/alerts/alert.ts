import type { Severity } from "../config/schema.ts";

export type { Severity };

export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, critical: 2 };

/** A condition that holds now. `key` identifies it across evaluations (de-duplication, resolution). */
export interface Alert {
  key: string;
  severity: Severity;
  title: string;
  text: string;
  bookId?: string;
  fields?: Readonly<Record<string, string | number>>;
  /** A one-off event (a failed transaction): sent once, never "resolved". */
  event?: boolean;
}

/** What a sink receives: the alert, whether it fires or has cleared, and when. */
export interface AlertMessage extends Alert {
  status: "firing" | "resolved";
  atSec: number;
}
