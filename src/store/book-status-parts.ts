// The sections of a block's book details that several books share, stored once. The books of one treasury read the
// same snapshot, so at one block most of their details are the same text (measured on the generated books: the
// stress table, LP, perp, σ, ~85% of ~8.4 kB; only the steward windows, against each book's own target, differ).
// A batch of statuses is split per (chain, block): every top-level section whose JSON is the same in all of that
// block's details goes into one part, keyed by the sha256 of its text (the same sections give the same part, so a
// replay writes nothing new); each book keeps the rest, and a reference to the part. Reading merges them back in
// the detail's own key order, which the part carries. A detail written alone (a book handed back from its group),
// or with nothing in common with the others, is stored whole, as before this split.
import { createHash } from "node:crypto";
import { jsonToSql } from "./sql-values.ts";

/** A part's reference on each row: its sha256, hex. */
const HASH_HEX_CHARS = 64;

/** What a part holds: the details' keys in their order, and the shared sections' values. */
export interface DetailPartBody {
  keys: string[];
  sections: Record<string, unknown>;
}

export interface DetailPart {
  chainId: number;
  /** sha256 of `text`, hex. */
  hash: string;
  /** The block of the details that share it. */
  blockNumber: bigint;
  /** The body as JSON text, what is stored. */
  text: string;
}

export interface SplitDetail<Status> {
  status: Status;
  /** The detail as stored on the book's row, JSON text: the whole detail, or the sections not in `part`. */
  text: string;
  part: DetailPart | null;
}

interface DetailOwner {
  chainId: number;
  blockNumber: bigint;
  detail: unknown;
}

/**
 * Splits each detail into its book's own sections and the part its block's other details share with it. Statuses
 * keep their order; the parts come once each.
 */
export function splitSharedDetails<Status extends DetailOwner>(
  statuses: readonly Status[],
): { details: SplitDetail<Status>[]; parts: DetailPart[] } {
  // Each detail's sections are serialized once: compared, then written (the part's or the row's).
  const sectionsOf = new Map<Status, [string, string][] | null>();
  const byBlock = new Map<string, Status[]>();
  for (const status of statuses) {
    sectionsOf.set(status, sectionTexts(status.detail));
    const key = `${status.chainId} ${status.blockNumber}`;
    byBlock.set(key, [...(byBlock.get(key) ?? []), status]);
  }
  const partOf = new Map<Status, { part: DetailPart; shared: ReadonlySet<string> }>();
  const parts: DetailPart[] = [];
  for (const group of byBlock.values()) {
    const shared = sharedSections(group.map((status) => sectionsOf.get(status)!));
    if (shared === null) continue;
    const first = sectionsOf.get(group[0]!)!;
    const keys = JSON.stringify(first.map(([key]) => key));
    const sections = objectText(first.filter(([key]) => shared.has(key)));
    // Worth it only when the copies left out outweigh the part's key list and each row's reference to it.
    if ((group.length - 1) * sections.length <= keys.length + group.length * HASH_HEX_CHARS) continue;
    // Built from the section texts as JSON.stringify would write the object: {"keys":[…],"sections":{…}}.
    const text = `{"keys":${keys},"sections":${sections}}`;
    const part: DetailPart = {
      chainId: group[0]!.chainId,
      hash: createHash("sha256").update(text, "utf8").digest("hex"),
      blockNumber: group[0]!.blockNumber,
      text,
    };
    parts.push(part);
    for (const status of group) partOf.set(status, { part, shared });
  }
  const details = statuses.map((status): SplitDetail<Status> => {
    const sections = sectionsOf.get(status)!;
    if (sections === null) return { status, text: jsonToSql(status.detail), part: null };
    const split = partOf.get(status);
    if (split === undefined) return { status, text: objectText(sections), part: null };
    return { status, text: objectText(sections.filter(([key]) => !split.shared.has(key))), part: split.part };
  });
  return { details, parts };
}

/** The detail back whole: the part's sections and the book's own, in the order the detail had them. */
export function mergeDetailPart(own: unknown, body: unknown, column: string): unknown {
  if (!isPlainObject(own) || !isDetailPartBody(body))
    throw new TypeError(`column ${column}: expected a detail part {keys, sections} and a detail object`);
  const entries: [string, unknown][] = [];
  for (const key of body.keys) {
    if (Object.hasOwn(body.sections, key)) entries.push([key, body.sections[key]]);
    else if (Object.hasOwn(own, key)) entries.push([key, own[key]]);
  }
  // A section of the row's own that the part does not list (never written so, but never dropped either).
  const listed = new Set(body.keys);
  for (const [key, value] of Object.entries(own)) if (!listed.has(key)) entries.push([key, value]);
  // fromEntries: a key such as "__proto__" stays a key, as JSON.parse makes it.
  return Object.fromEntries(entries);
}

/**
 * The sections identical in every detail of a block (by key and JSON text, with the same keys in the same order),
 * or null when there is nothing to share: one detail, a detail that is not an object, or no section in common.
 */
function sharedSections(details: readonly ([string, string][] | null)[]): Set<string> | null {
  const [first, ...others] = details;
  if (first === undefined || first === null || others.length === 0) return null;
  const keys = first.map(([key]) => key).join("\n");
  if (others.some((d) => d === null || d.map(([key]) => key).join("\n") !== keys)) return null;
  const shared = new Set(
    first.flatMap(([key, text], i) => (others.every((d) => d![i]![1] === text) ? [key] : [])),
  );
  return shared.size === 0 ? null : shared;
}

/** Each top-level section's JSON text, in key order (a key whose value JSON leaves out is left out); null if no object. */
function sectionTexts(detail: unknown): [string, string][] | null {
  if (!isPlainObject(detail)) return null;
  return Object.entries(detail).flatMap(([key, value]) => {
    const text = jsonToSql(value) as string | undefined;
    return text === undefined ? [] : [[key, text] as [string, string]];
  });
}

const objectText = (sections: readonly [string, string][]) =>
  `{${sections.map(([key, text]) => `${JSON.stringify(key)}:${text}`).join(",")}}`;

/** An object literal's or JSON.parse's (not an array, nor a class instance that JSON would write by its toJSON). */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function isDetailPartBody(value: unknown): value is DetailPartBody {
  return (
    isPlainObject(value) &&
    Array.isArray(value.keys) &&
    value.keys.every((k) => typeof k === "string") &&
    isPlainObject(value.sections)
  );
}
