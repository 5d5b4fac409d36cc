// CPU time of processes from Linux's /proc (proc(5)): the scale bench's per-part CPU. Linux only; elsewhere
// PROC_CPU_AVAILABLE is false and the bench says it skipped the measure.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import type { CpuTicksByPid } from "./cpu-per-evaluation.ts";
import { type ProcStat, parseProcStat } from "./proc-stat.ts";

export const PROC_CPU_AVAILABLE = process.platform === "linux" && existsSync("/proc/self/stat");

/** Clock ticks a second, the unit of /proc/<pid>/stat's utime and stime (sysconf(_SC_CLK_TCK)). */
export function clockTicksPerSec(): number {
  const output = execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim();
  const ticks = Number(output);
  if (!Number.isInteger(ticks) || ticks <= 0)
    throw new Error(`getconf CLK_TCK answered ${JSON.stringify(output)}`);
  return ticks;
}

/** Reading /proc/<pid>/… failed because the process has exited (its entry is gone). */
const exited = (error: unknown) => ["ENOENT", "ESRCH"].includes((error as NodeJS.ErrnoException).code ?? "");

/** The process's stat, or undefined if it has exited (its /proc entry is gone). */
function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch (error) {
    if (exited(error)) return undefined;
    throw error;
  }
}

/** utime + stime of each pid (all its threads); a pid that has exited is left out. */
export function readCpuTicks(pids: Iterable<number>): CpuTicksByPid {
  const ticks = new Map<number, number>();
  for (const pid of pids) {
    const stat = readStat(pid);
    if (stat) ticks.set(pid, stat.utimeTicks + stat.stimeTicks);
  }
  return ticks;
}

function allStats(): ProcStat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat) => stat !== undefined);
}

/** `roots` and every process descended from them now (children a process forked are its cost too). */
export function processTree(roots: readonly number[]): number[] {
  const childrenOf = new Map<number, number[]>();
  for (const { pid, ppid } of allStats()) childrenOf.set(ppid, [...(childrenOf.get(ppid) ?? []), pid]);
  const tree: number[] = [];
  const pending = [...roots];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    tree.push(pid);
    pending.push(...(childrenOf.get(pid) ?? []));
  }
  return tree;
}

/** The child processes of `parentPid` whose command line (argv) `matches`. */
export function childPidsWhere(parentPid: number, matches: (argv: string[]) => boolean): number[] {
  return allStats()
    .filter(({ ppid }) => ppid === parentPid)
    .map(({ pid }) => pid)
    .filter((pid) => {
      try {
        return matches(readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0"));
      } catch (error) {
        if (exited(error)) return false;
        throw error;
      }
    });
}
