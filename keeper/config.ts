// The keeper's configuration: data with units in its names, validated with zod at start-up. Secrets are the
// names of environment variables, never values.
import { z } from "zod";
import { BOOK_MODES, type BookMode } from "../src/evaluation/plan-lifecycle.ts";
import { KeeperConfigurationError } from "./errors.ts";

// The mode is defined with the plan's lifecycle (src/evaluation); plan-store.ts still names it from here.
export type { BookMode };

/** Per lane: when a pending transaction is replaced, by how much, and a fee cap below the network's. */
const laneConfigSchema = z.object({
  /** Replace a transaction pending this long, even if fewer than `stuckAfterBlocks` blocks passed. */
  replaceAfterSec: z.number().int().positive().optional(),
  /** Replacement bump, bps of both fees (nodes need >= 1000); `replacementBumpPercent` × 100 when absent. */
  feeBumpBps: z.number().int().min(1_000).optional(),
  /** Cap per gas for this lane (the lower of it and the network's applies). */
  maxFeePerGasGwei: z.number().positive().optional(),
});

export const keeperConfigSchema = z.object({
  chainId: z.number().int().positive(),
  rpcUrls: z.array(z.url()).min(1),
  /** Optional private relay (MEV-protected RPC) for eth_sendRawTransaction only. */
  relayUrl: z.url().optional(),
  /** Key prefix for BullMQ queues and the keeper's own Redis keys. */
  redisPrefix: z.string().min(1).default("hk"),
  /** The name of the environment variable holding the signer's private key. */
  signerKeyEnv: z.string().min(1).default("KEEPER_PRIVATE_KEY"),
  books: z.array(z.object({ bookId: z.string().min(1), mode: z.enum(BOOK_MODES) })).min(1),
  scanEveryMs: z.number().int().positive().default(1_000),
  /** Blocks below the head before a block is evaluated (0 = act on the head). */
  evaluateConfirmations: z.number().int().nonnegative().default(0),
  /** Confirmations before a mined transaction is final for the keeper. */
  txConfirmations: z.number().int().positive().default(1),
  /** Replace (fee bump) a transaction still pending after this many blocks. */
  stuckAfterBlocks: z.number().int().positive().default(3),
  confirmPollMs: z.number().int().positive().default(1_000),
  fees: z.object({
    maxFeePerGasGwei: z.number().positive(),
    maxPriorityFeePerGasGwei: z.number().nonnegative(),
    /** Replacement bump, percent of both fees (nodes require at least 10). */
    replacementBumpPercent: z.number().int().min(10).default(10),
  }),
  lanes: z
    .object({ urgent: laneConfigSchema, routine: laneConfigSchema })
    .default({ urgent: {}, routine: {} }),
  /** Gas limit = estimate × (1 + headroom). */
  gasHeadroomBps: z.number().int().nonnegative().default(2_000),
  signerBalanceFloorEth: z.number().nonnegative().default(0.1),
  evaluateConcurrency: z.number().int().positive().default(8),
  /** BullMQ worker lock; a worker that dies releases its job after this long. */
  lockDurationMs: z.number().int().positive().default(30_000),
  stalledIntervalMs: z.number().int().positive().default(30_000),
  /** Attempts per submit/confirm job for retryable failures (rate limits and busy signers do not count). */
  attempts: z.number().int().positive().default(8),
  backoffMs: z.number().int().positive().default(500),
});

export type KeeperConfigInput = z.input<typeof keeperConfigSchema>;
export type KeeperConfig = z.output<typeof keeperConfigSchema>;

/** Validate, naming every bad key by its path, in one error. */
export function parseKeeperConfig(input: unknown): KeeperConfig {
  const result = keeperConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
  throw new KeeperConfigurationError(`keeper config: ${issues.join("; ")}`, { details: { issues } });
}

export function gweiToWei(gwei: number): bigint {
  return BigInt(Math.round(gwei * 1e9));
}
