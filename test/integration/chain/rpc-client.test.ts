import hre from "hardhat";
import { encodeFunctionData, toFunctionSelector, zeroHash } from "viem";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { classifyChainError } from "../../../src/chain/classify-error.ts";
import { createChainClient } from "../../../src/chain/client.ts";
import {
  ContractCallRevertedError,
  RpcRateLimitedError,
  RpcUnavailableError,
} from "../../../src/chain/errors.ts";
import type { RetryPolicy } from "../../../src/chain/retrying-transport.ts";
import { HEDGE_GUARD_ABI } from "../../../src/execution/abis.ts";
import { findInChain } from "../../../src/runtime/error-chain.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { startFaultInjectingRpcProxy } from "../../support/fault-injecting-rpc-proxy.ts";

// A real in-process Hardhat chain behind a real HTTP front that injects network faults.
const { provider, viem } = await hre.network.connect();
const proxy = await startFaultInjectingRpcProxy(provider);
afterAll(() => proxy.stop());

const FAST: RetryPolicy = { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, rateLimitBudgetMs: 2_000 };
const SECRET = "AbCdEf0123456789SECRETKEY";

const clientFor = (urls: string[], retry = FAST) => {
  const retries: { attempt: number; error: Error }[] = [];
  const client = createChainClient({
    chainId: 31337,
    rpcUrls: urls,
    timeoutMs: 2_000,
    retry,
    hooks: { onRetry: ({ attempt, error }) => retries.push({ attempt, error }) },
  });
  return { client, retries };
};

describe("createChainClient", () => {
  beforeEach(() => proxy.setFaults({}));

  it("retries a node's 5xx answers with backoff and returns the real answer", async () => {
    proxy.setFaults({ serverErrors: 2 });
    const { client, retries } = clientFor([proxy.url]);
    const blockNumber = await client.getBlockNumber();
    expect(blockNumber).toBe(BigInt((await provider.request({ method: "eth_blockNumber" })) as string));
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
    expect(retries.every((r) => r.error instanceof RpcUnavailableError)).toBe(true);
  });

  it("gives up after the configured attempts with a retryable RpcUnavailableError", async () => {
    proxy.setFaults({ serverErrors: 10 });
    const { client, retries } = clientFor([proxy.url]);
    const error = await client.getBlockNumber({ cacheTime: 0 }).catch(classifyChainError);
    expect(error).toBeInstanceOf(RpcUnavailableError);
    expect((error as RpcUnavailableError).retryable).toBe(true);
    // FAST allows 3 attempts: two retries, then the error (not ten, which the node would have kept failing).
    expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
  });

  it("waits out rate limits without burning attempts", async () => {
    proxy.setFaults({ rateLimited: 6, retryAfterSec: 0 });
    const { client, retries } = clientFor([proxy.url]);
    await expect(client.getChainId()).resolves.toBe(31337);
    expect(retries).toHaveLength(6);
    expect(retries.every((r) => r.error instanceof RpcRateLimitedError)).toBe(true);
  });

  it("stops waiting when rate limits outlast the budget, with an RpcRateLimitedError", async () => {
    proxy.setFaults({ rateLimited: 100, retryAfterSec: 1 });
    const { client } = clientFor([proxy.url], { ...FAST, rateLimitBudgetMs: 1_500 });
    await expect(
      client.getChainId().catch((e) => Promise.reject(classifyChainError(e))),
    ).rejects.toBeInstanceOf(RpcRateLimitedError);
  });

  it("falls back to the next URL when the first node is down", async () => {
    const deadUrl = `http://127.0.0.1:${await freeLoopbackPort()}`;
    const { client } = clientFor([deadUrl, proxy.url]);
    await expect(client.getChainId()).resolves.toBe(31337);
  });

  it("never lets a credential from an RPC URL into an error message", async () => {
    const secretUrl = `http://user:hunter2@127.0.0.1:${await freeLoopbackPort()}/v2/${SECRET}?apikey=${SECRET}`;
    const { client } = clientFor([secretUrl], { ...FAST, attempts: 1 });
    const raw = (await client.getChainId().catch((e: unknown) => e)) as Error;
    const error = classifyChainError(raw, [secretUrl]);
    expect(error).toBeInstanceOf(RpcUnavailableError);
    const everything = `${error.message} ${JSON.stringify(error.details)}`;
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain("hunter2");
  });
});

describe("classifyChainError on a real node's answers", () => {
  it("classifies a reverted eth_call as a non-retryable ContractCallRevertedError, keeping the revert data", async () => {
    // A real revert with a custom error: HedgeGuard asked for a balance its caller does not hold.
    const guard = await viem.deployContract("HedgeGuard", [
      "0x00000000000000000000000000000000000000aa",
      "0x00000000000000000000000000000000000000bb",
      "0x0000000000000000000000000000000000000000",
      0n,
    ]);
    const token = await viem.deployContract("ERC20Mock", [6]);
    const data = encodeFunctionData({
      abi: HEDGE_GUARD_ABI,
      functionName: "checkBalances",
      args: [zeroHash, [{ token: token.address, amount: 1n }]],
    });
    const { client } = clientFor([proxy.url]);
    const error = classifyChainError(await client.call({ to: guard.address, data }).catch((e: unknown) => e));
    expect(error).toBeInstanceOf(ContractCallRevertedError);
    expect(error.retryable).toBe(false);
    const selector = toFunctionSelector("HedgeGuardBalanceTooLow(bytes32,address,uint256,uint256)");
    const withData = findInChain(
      error,
      (e): e is { data: string } => typeof (e as { data?: unknown }).data === "string",
    );
    const revertData = withData?.data ?? "";
    expect(revertData.startsWith(selector)).toBe(true);
  });
});
