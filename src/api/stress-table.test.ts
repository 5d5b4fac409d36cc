import { describe, expect, it } from "vitest";
import { stressRowsOf } from "./stress-table.ts";

describe("stressRowsOf", () => {
  const row = { shock: "price -10.0%", lpPnlUsd: -10, hedgePnlUsd: 9, netPnlUsd: -1, netPnlBps: -0.5 };

  it("returns the well-formed rows of detail.stress and only their published fields", () => {
    expect(stressRowsOf({ stress: [{ ...row, spotPnlUsd: 3 }] })).toEqual([row]);
  });

  it("leaves out malformed rows and answers [] when there is no table", () => {
    expect(stressRowsOf({ stress: [row, { shock: 1 }, null, "x", { ...row, netPnlUsd: "1" }] })).toEqual([
      row,
    ]);
    expect(stressRowsOf({})).toEqual([]);
    expect(stressRowsOf({ stress: { rows: [row] } })).toEqual([]);
  });

  it("publishes an Aave leg's value change, health factor after and liquidation flag, and leaves out a malformed one", () => {
    const aave = {
      valueChangeUsd: -4_200,
      healthFactorAfter: 0.93,
      liquidated: true,
      liquidationPenaltyUsd: 1_890,
    };
    expect(stressRowsOf({ stress: [{ ...row, aave }] })).toEqual([{ ...row, aave }]);
    expect(stressRowsOf({ stress: [{ ...row, aave: { ...aave, healthFactorAfter: "0.93" } }] })).toEqual([]);
  });
});
