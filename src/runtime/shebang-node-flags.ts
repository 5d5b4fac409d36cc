// The Node options a script's shebang asks for (`#!/usr/bin/env -S node --max-semi-space-size=64`), so that whatever
// starts the script with `process.execPath` instead of its shebang (the tests, the benchmarks: the same Node as
// theirs, whichever `node` comes first on PATH) runs it as the installed command runs. Pure.

const ENV_NODE = /^#!\S*\/env\s+(?:-S\s+)?node(?<flags>(?:\s+-\S+)*)\s*$/;

/** The flags on `source`'s shebang line; none for a script without one. A shebang that is not Node's is an error. */
export function shebangNodeFlags(source: string): string[] {
  if (!source.startsWith("#!")) return [];
  const end = source.indexOf("\n");
  const line = end === -1 ? source : source.slice(0, end);
  const match = ENV_NODE.exec(line.trimEnd());
  if (match === null) throw new Error(`not a Node shebang (#!/usr/bin/env [-S] node [flags…]): ${line}`);
  return match
    .groups!.flags!.trim()
    .split(/\s+/)
    .filter((flag) => flag !== "");
}
