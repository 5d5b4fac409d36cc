// Where a book's hedge drift sits against a band (its arm or re-arm threshold, bps of book value). The one
// judgement of drift against a band: the hedge trigger (decide.ts), the book's status colour, the API's
// overview, the alerts and the CLI all read it.
//
//   inside       |drift| < NEAR_BAND_FRACTION × band, and no drift at all
//   near         NEAR_BAND_FRACTION × band <= |drift| <= band: the edge itself is near, acting starts beyond it
//   beyond       band < |drift| <= FAR_BEYOND_MULTIPLE × band
//   far-beyond   |drift| > FAR_BEYOND_MULTIPLE × band, and a drift that is not a finite number (unmeasurable
//                drift is never read as safe)
// The band's sign is ignored; with a zero band, any drift at all is far beyond it.

export const DRIFT_BANDS = ["inside", "near", "beyond", "far-beyond"] as const;
export type DriftBand = (typeof DRIFT_BANDS)[number];

/** "Near" starts here: early enough for a steward to look before the keeper acts. */
export const NEAR_BAND_FRACTION = 0.8;
/** "Far beyond" starts past this multiple of the band (the drift alert turns critical). */
export const FAR_BEYOND_MULTIPLE = 2;

export function driftBand(driftBps: number, bandBps: number): DriftBand {
  const drift = Math.abs(driftBps);
  const band = Math.abs(bandBps);
  if (!Number.isFinite(drift) || drift > band * FAR_BEYOND_MULTIPLE) return "far-beyond";
  if (drift > band) return "beyond";
  if (drift > 0 && drift >= band * NEAR_BAND_FRACTION) return "near";
  return "inside";
}

/** Beyond the band (strictly past its edge): what arms the hedge trigger and raises a drift alert. */
export function isBeyondBand(band: DriftBand): boolean {
  return band === "beyond" || band === "far-beyond";
}
