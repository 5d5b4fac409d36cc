// One line of /proc/<pid>/stat (Linux, proc(5)): the fields the scale bench reads to charge CPU time to a process.
// For a process (a thread group leader) the kernel sums utime and stime over all its threads, the exited ones
// included, so one read covers a multi-threaded process (Node's libuv pool, Hardhat's EDR threads).

export interface ProcStat {
  pid: number;
  /** The executable's name as the kernel keeps it (≤ 15 bytes): it may hold spaces and parentheses. */
  comm: string;
  state: string;
  ppid: number;
  /** Clock ticks (sysconf(_SC_CLK_TCK), usually 100 a second) in user and in kernel mode. */
  utimeTicks: number;
  stimeTicks: number;
}

/**
 * Parses `text`, the content of /proc/<pid>/stat. `comm` (field 2) is wrapped in parentheses but not escaped, so
 * the fields after it start after the LAST ")" in the line; they are then space-separated: state (3), ppid (4), …,
 * utime (14), stime (15).
 */
export function parseProcStat(text: string): ProcStat {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open)
    throw new Error(`/proc stat line has no "(comm)" field: ${JSON.stringify(text.slice(0, 80))}`);
  const pid = Number(text.slice(0, open).trim());
  const rest = text
    .slice(close + 1)
    .trim()
    .split(" ");
  // rest[0] is field 3, so field n is rest[n - 3].
  const field = (n: number, name: string) => {
    const raw = rest[n - 3];
    const value = Number(raw);
    if (raw === undefined || raw === "" || !Number.isSafeInteger(value) || value < 0)
      throw new Error(`/proc/${pid}/stat field ${n} (${name}) is not a count: ${JSON.stringify(raw)}`);
    return value;
  };
  if (!Number.isSafeInteger(pid) || pid <= 0)
    throw new Error(`/proc stat line does not start with a pid: ${JSON.stringify(text.slice(0, open))}`);
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: rest[0] ?? "",
    ppid: field(4, "ppid"),
    utimeTicks: field(14, "utime"),
    stimeTicks: field(15, "stime"),
  };
}
