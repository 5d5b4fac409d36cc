import { createTransport, type EIP1193RequestFn, type Transport } from "viem";
import { classifyChainError } from "./classify-error.ts";
import { RpcRateLimitedError } from "./errors.ts";

export interface RetryPolicy {
  /** Tries per request for retryable failures other than rate limits (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Total time a request may spend waiting out rate limits; those waits do not count as attempts. */
  rateLimitBudgetMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 4,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  rateLimitBudgetMs: 30_000,
};

export interface RetryHooks {
  /** Uniform [0, 1): injected so tests are deterministic. */
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  onRetry?: (event: { method: string; attempt: number; delayMs: number; error: Error }) => void;
  /** URLs to scrub from error messages. */
  rpcUrls?: readonly string[];
}

/**
 * "Full jitter" backoff (AWS Architecture Blog, "Exponential Backoff and Jitter", 2015):
 * delay = random(0, min(cap, base * 2^attempt)). Spreads retries of many clients apart.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Wrap a transport (typically viem's `fallback` over several `http` URLs, each with its own retries
 * off) with classified retries: retryable errors back off with jitter up to `attempts`; rate limits
 * wait (Retry-After when the node gives one) within `rateLimitBudgetMs` without burning attempts;
 * non-retryable errors surface at once. Every error leaves as a classified `ChainError`.
 */
export function retrying(
  inner: Transport,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  hooks: RetryHooks = {},
): Transport {
  const random = hooks.random ?? Math.random;
  const sleep = hooks.sleep ?? defaultSleep;
  return (config) => {
    const base = inner({ ...config, retryCount: 0 });
    return createTransport(
      {
        key: "retrying",
        name: `Retrying ${base.config.name}`,
        type: "retrying",
        retryCount: 0,
        request: (async ({ method, params }: { method: string; params?: unknown }) => {
          let attempt = 0;
          let rateLimitedMs = 0;
          for (;;) {
            try {
              return await base.request({ method, params });
            } catch (raw) {
              const error = classifyChainError(raw, hooks.rpcUrls);
              let delayMs: number;
              if (error instanceof RpcRateLimitedError) {
                delayMs = error.retryAfterMs ?? backoffDelayMs(Math.min(attempt + 1, 10), policy, random);
                if (rateLimitedMs + delayMs > policy.rateLimitBudgetMs) throw error;
                rateLimitedMs += delayMs;
              } else {
                attempt += 1;
                if (!error.retryable || attempt >= policy.attempts) throw error;
                delayMs = backoffDelayMs(attempt, policy, random);
              }
              hooks.onRetry?.({ method, attempt, delayMs, error });
              await sleep(delayMs);
            }
          }
        }) as EIP1193RequestFn,
      },
      base.value,
    );
  };
}
