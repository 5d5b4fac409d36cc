// Where a book's drift sits against its band, as the overview colours it: green inside, amber near the edge,
// red beyond. "Near" starts at NEAR_BAND_FRACTION of the band, early enough for a steward to look before the
// keeper acts.

export type DriftBand = "inside" | "near" | "beyond";
export type BandColour = "green" | "amber" | "red";

export const NEAR_BAND_FRACTION = 0.8;

const COLOUR: Record<DriftBand, BandColour> = { inside: "green", near: "amber", beyond: "red" };

export function driftBand(driftBps: number, thresholdBps: number): { band: DriftBand; colour: BandColour } {
  const drift = Math.abs(driftBps);
  const band = Math.abs(thresholdBps);
  const where: DriftBand =
    !Number.isFinite(drift) || drift > band
      ? "beyond"
      : drift >= band * NEAR_BAND_FRACTION && drift > 0
        ? "near"
        : "inside";
  return { band: where, colour: COLOUR[where] };
}
