import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Abi, Address, Hex } from "viem";

const requireFromHere = createRequire(import.meta.url);

/** A contract's ABI and creation code, read from a package's published build output (never recompiled). */
export interface Artifact {
  name: string;
  abi: Abi;
  bytecode: Hex;
  /** solc link references: file → library name → byte offsets of the 20-byte placeholders. */
  linkReferences: Record<string, Record<string, readonly { start: number; length: number }[]>>;
}

interface RawArtifact {
  contractName?: string;
  abi?: Abi;
  bytecode?: string | { object?: string };
  linkReferences?: Artifact["linkReferences"];
  evm?: { bytecode?: { object?: string; linkReferences?: Artifact["linkReferences"] } };
  compilerOutput?: {
    abi?: Abi;
    evm?: { bytecode?: { object?: string; linkReferences?: Artifact["linkReferences"] } };
  };
}

const cache = new Map<string, Artifact>();

/**
 * Loads an artifact by module path (`@uniswap/v3-core/artifacts/...json`) or file path. Understands the
 * formats the protocol packages ship: Hardhat (`bytecode` string), Waffle/Truffle (`evm.bytecode.object`)
 * and Chainlink's "belt" format (`compilerOutput.evm.bytecode.object`).
 */
export function loadArtifact(specifier: string): Artifact {
  const cached = cache.get(specifier);
  if (cached) return cached;
  const file = specifier.startsWith("/") ? specifier : requireFromHere.resolve(specifier);
  const raw = JSON.parse(readFileSync(file, "utf8")) as RawArtifact;
  const evm = raw.evm ?? raw.compilerOutput?.evm;
  const code =
    typeof raw.bytecode === "string" && raw.bytecode.length > 2
      ? raw.bytecode
      : ((typeof raw.bytecode === "object" ? raw.bytecode.object : undefined) ?? evm?.bytecode?.object);
  const abi = raw.abi ?? raw.compilerOutput?.abi;
  if (!code || !abi) throw new Error(`artifact ${specifier} has no bytecode or ABI`);
  const artifact: Artifact = {
    name:
      raw.contractName ??
      file
        .split("/")
        .pop()!
        .replace(/\.json$/, ""),
    abi,
    bytecode: (code.startsWith("0x") ? code : `0x${code}`) as Hex,
    linkReferences: raw.linkReferences ?? evm?.bytecode?.linkReferences ?? {},
  };
  cache.set(specifier, artifact);
  return artifact;
}

/** Creation code with every library placeholder replaced by the given address (by solc's byte offsets). */
export function linkBytecode(artifact: Artifact, libraries: Readonly<Record<string, Address>>): Hex {
  let code = artifact.bytecode.slice(2);
  for (const byName of Object.values(artifact.linkReferences)) {
    for (const [library, references] of Object.entries(byName)) {
      const address = libraries[library];
      if (!address) throw new Error(`${artifact.name} needs library ${library}`);
      for (const { start, length } of references) {
        code = code.slice(0, start * 2) + address.slice(2).toLowerCase() + code.slice((start + length) * 2);
      }
    }
  }
  if (code.includes("__$")) throw new Error(`${artifact.name} still has unlinked library placeholders`);
  return `0x${code}`;
}
