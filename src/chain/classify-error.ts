import {
  AbiDecodingDataSizeInvalidError,
  AbiDecodingDataSizeTooSmallError,
  AbiDecodingSizeLimitExceededError,
  AbiDecodingZeroDataError,
  BaseError,
  ContractFunctionRevertedError,
  ContractFunctionZeroDataError,
  HttpRequestError,
  InvalidInputRpcError,
  InvalidParamsRpcError,
  LimitExceededRpcError,
  MethodNotFoundRpcError,
  MethodNotSupportedRpcError,
  SliceOffsetOutOfBoundsError,
  TimeoutError,
} from "viem";
import { findInChain } from "../runtime/error-chain.ts";
import {
  ChainError,
  ContractCallRevertedError,
  MalformedReturnDataError,
  RpcRateLimitedError,
  RpcRequestRejectedError,
  RpcUnavailableError,
} from "./errors.ts";
import { scrubRpcUrls } from "./rpc-url.ts";

const RATE_LIMIT_CODES = new Set([429, LimitExceededRpcError.code, -32007]);

/**
 * Map anything thrown by viem (or fetch) to our hierarchy, once, at the boundary. `rpcUrls` are
 * scrubbed from the message so a credential in a URL never travels further.
 */
export function classifyChainError(error: unknown, rpcUrls: readonly string[] = []): ChainError {
  // viem's client layer wraps errors it does not know (ours) in UnknownRpcError: look through causes.
  const alreadyClassified = findInChain(error, (e): e is ChainError => e instanceof ChainError);
  if (alreadyClassified !== undefined) return alreadyClassified;
  const scrub = (text: string) => scrubRpcUrls(text, rpcUrls);
  const message = scrub(
    error instanceof BaseError ? error.shortMessage : String((error as Error)?.message ?? error),
  );
  const options = { cause: error };

  if (!(error instanceof BaseError)) return new RpcUnavailableError(message, options);

  const found = <T>(type: abstract new (...args: never[]) => T): T | undefined =>
    findInChain(error, (e): e is T => e instanceof type);
  const http = found(HttpRequestError);
  const rpcCode = findInChain(
    error,
    (e): e is { code: number } => typeof (e as { code?: unknown }).code === "number",
  )?.code;

  if (http?.status === 429 || (rpcCode !== undefined && RATE_LIMIT_CODES.has(rpcCode))) {
    return new RpcRateLimitedError(message, { ...options, retryAfterMs: retryAfterMs(http) });
  }
  if (found(ContractFunctionRevertedError) || isExecutionReverted(error, rpcCode)) {
    return new ContractCallRevertedError(message, options);
  }
  if (
    found(ContractFunctionZeroDataError) ||
    found(AbiDecodingZeroDataError) ||
    found(AbiDecodingDataSizeTooSmallError) ||
    found(AbiDecodingDataSizeInvalidError) ||
    found(AbiDecodingSizeLimitExceededError) ||
    found(SliceOffsetOutOfBoundsError)
  ) {
    return new MalformedReturnDataError(message, options);
  }
  if (
    found(InvalidParamsRpcError) ||
    found(InvalidInputRpcError) ||
    found(MethodNotFoundRpcError) ||
    found(MethodNotSupportedRpcError)
  ) {
    return new RpcRequestRejectedError(message, options);
  }
  if (found(TimeoutError)) return new RpcUnavailableError(message, options);
  if (http !== undefined) {
    // 4xx other than 408/429 is our request's fault; everything else (no status, 5xx) is the node's.
    const status = http.status;
    if (status !== undefined && status >= 400 && status < 500 && status !== 408) {
      return new RpcRequestRejectedError(message, options);
    }
    return new RpcUnavailableError(message, options);
  }
  return new RpcUnavailableError(message, options);
}

function retryAfterMs(error: HttpRequestError | undefined): number | undefined {
  const header = error?.headers?.get("Retry-After");
  if (!header) return undefined;
  const seconds = Number.parseInt(header, 10);
  if (!Number.isNaN(seconds)) return seconds * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** A node's answer that the call itself reverted (JSON-RPC code 3, or geth's/Hardhat's wording): deterministic. */
function isExecutionReverted(error: BaseError, rpcCode: number | undefined): boolean {
  if (rpcCode === 3) return true;
  const text = `${error.message} ${String((error as { details?: unknown }).details ?? "")}`;
  return /execution reverted|VM Exception while processing transaction: revert|reverted with (custom error|reason)/i.test(
    text,
  );
}
