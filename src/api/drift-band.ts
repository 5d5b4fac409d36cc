// Where a book's drift sits against its band, as the overview colours it: green inside, amber near the edge,
// red beyond. The judgement is the engine's (src/engine/drift-band.ts); the overview draws "far beyond" as
// beyond, in the same red.
import { type DriftBand as EngineDriftBand, driftBand as engineDriftBand } from "../engine/drift-band.ts";

export type DriftBand = Exclude<EngineDriftBand, "far-beyond">;
export type BandColour = "green" | "amber" | "red";

const OVERVIEW: Record<EngineDriftBand, { band: DriftBand; colour: BandColour }> = {
  inside: { band: "inside", colour: "green" },
  near: { band: "near", colour: "amber" },
  beyond: { band: "beyond", colour: "red" },
  "far-beyond": { band: "beyond", colour: "red" },
};

export function driftBand(driftBps: number, thresholdBps: number): { band: DriftBand; colour: BandColour } {
  return { ...OVERVIEW[engineDriftBand(driftBps, thresholdBps)] };
}
