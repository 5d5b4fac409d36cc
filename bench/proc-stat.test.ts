import { describe, expect, it } from "vitest";
import { parseProcStat } from "./proc-stat.ts";

// A real line (PostgreSQL's background writer on this kind of machine), and variants of it.
const TAIL =
  "S 2206 2208 2208 0 -1 4194368 854 0 0 0 42 29 0 0 20 0 1 0 4102 222445568 10686 18446744073709551615 0 0 0 0 0";

describe("parseProcStat", () => {
  it("reads pid, name, state, ppid, utime and stime", () => {
    expect(parseProcStat(`2208 (postgres) ${TAIL}\n`)).toEqual({
      pid: 2208,
      comm: "postgres",
      state: "S",
      ppid: 2206,
      utimeTicks: 42,
      stimeTicks: 29,
    });
  });

  it("reads the fields after a name holding spaces and parentheses", () => {
    // A process may name itself anything (prctl PR_SET_NAME): the fields start after the LAST ")".
    const stat = parseProcStat(`77 (a) S 1 (b)) ${TAIL}`);
    expect(stat.comm).toBe("a) S 1 (b)");
    expect(stat).toMatchObject({ pid: 77, state: "S", ppid: 2206, utimeTicks: 42, stimeTicks: 29 });
  });

  it("rejects a line without the (comm) field", () => {
    expect(() => parseProcStat(`2208 postgres ${TAIL}`)).toThrow(/no "\(comm\)" field/);
  });

  it("rejects a line cut before stime, naming the field", () => {
    const cut = TAIL.split(" ").slice(0, 12).join(" ");
    expect(() => parseProcStat(`2208 (postgres) ${cut}`)).toThrow(/field 15 \(stime\)/);
  });

  it("rejects a utime that is not a count, naming the field and the value", () => {
    const bad = TAIL.replace(" 42 ", " -4 ");
    expect(() => parseProcStat(`2208 (postgres) ${bad}`)).toThrow(/field 14 \(utime\) is not a count: "-4"/);
  });
});
