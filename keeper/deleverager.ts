// The deleverager process: a second, lower-privilege key that keeps the treasury's Aave books alive when the keeper
// is down. Each new block it reads every watched book's Aave account (the indexer's readAaveAccount), the Safe's
// balance of the short asset, the short asset's feed and HedgeGuard's record of the keeper's last plan, all at that
// block, and asks the engine (engine/deleverage.ts) whether to repay. A repay goes through the Safe's Roles modifier
// with the deleverager role, which allows repay / repayWithATokens on the Safe's own debt and the approve to the Pool
// a repay needs, nothing else (execution/permissions.ts): simulated first, then signed locally and sent.
//
// Exactly once, without Redis (the fallback must not share the keeper's failure modes): nothing is remembered
// between blocks. A transaction of ours the node holds but has not mined (pending nonce above the mined one) means
// hold; otherwise the decision is re-derived from chain state, where a mined repay has already raised the health
// factor. One transaction at a time, each waited for; the nonce is the chain's, so a restart picks up where the
// chain is.
import type { Logger } from "pino";
import {
  type Address,
  encodeFunctionData,
  erc20Abi,
  type Hex,
  type LocalAccount,
  type PublicClient,
} from "viem";
import { rolesAbi } from "zodiac-roles-sdk";
import { AAVE_V3_POOL_ABI, AAVE_VARIABLE_RATE_MODE } from "../src/chain/abis/aave-v3-abi.ts";
import { AGGREGATOR_V3_ABI } from "../src/chain/abis/chainlink-abi.ts";
import { type DeleverageDecision, decideDeleverage } from "../src/engine/deleverage.ts";
import { HEDGE_GUARD_ABI } from "../src/execution/abis.ts";
import { bookKey } from "../src/execution/book-key.ts";
import { DELEVERAGER_ROLE_KEY } from "../src/execution/role-keys.ts";
import { readAaveAccount } from "../src/indexers/aave-v3-reads.ts";
import type { DeleveragerBook } from "./deleverager-config.ts";
import type { DeleveragerEvent } from "./deleverager-events.ts";
import { errorText } from "./errors.ts";

/** How many blocks after the keeper's last admitted plan for a book the deleverager leaves the book to the keeper. */
export const DEFAULT_KEEPER_GRACE_BLOCKS = 10;
const CALL = 0;
/** Headroom over the node's gas estimate: Roles' condition checks read storage whose warmth can differ when mined. */
const GAS_HEADROOM_PCT = 130n;

export interface DeleveragerOptions {
  logger: Logger;
  client: PublicClient;
  chainId: number;
  signer: LocalAccount;
  books: readonly DeleveragerBook[];
  keeperGraceBlocks: number;
  pollIntervalMs: number;
  /** Told of every head, book reading and repay transaction (metrics, alerts); must not throw. */
  onEvent?: (event: DeleveragerEvent) => void;
}

/** What the deleverager did for one book at one block. */
export type DeleverageOutcome =
  | { bookId: string; blockNumber: bigint; kind: "in-flight" }
  | { bookId: string; blockNumber: bigint; kind: "decided"; decision: DeleverageDecision; txHashes: Hex[] };

export interface Deleverager {
  /** One pass over every book at `blockNumber` (the loop calls it for each new head; tests call it directly). */
  tick(blockNumber: bigint): Promise<DeleverageOutcome[]>;
  start(): void;
  stop(): Promise<void>;
}

export function createDeleverager(options: DeleveragerOptions): Deleverager {
  const { logger, client, signer } = options;
  const controller = new AbortController();
  let loop: Promise<void> | undefined;
  const emit = (event: DeleveragerEvent) => {
    try {
      options.onEvent?.(event);
    } catch (error) {
      // An observer's bug must not stop a repay.
      logger.error({ err: errorText(error), event: event.kind }, "deleverager event observer failed");
    }
  };

  async function tick(blockNumber: bigint): Promise<DeleverageOutcome[]> {
    const outcomes: DeleverageOutcome[] = [];
    for (const book of options.books) {
      try {
        outcomes.push(await deleverageBook(book, blockNumber));
      } catch (error) {
        // One book's failure (a bad RPC answer, a refused simulation) never stops the others; the next block retries.
        logger.error(
          { book_id: book.bookId, block_number: Number(blockNumber), err: errorText(error) },
          "deleverager pass failed",
        );
      }
    }
    return outcomes;
  }

  async function deleverageBook(book: DeleveragerBook, blockNumber: bigint): Promise<DeleverageOutcome> {
    const [mined, pending] = await Promise.all([
      client.getTransactionCount({ address: signer.address, blockTag: "latest" }),
      client.getTransactionCount({ address: signer.address, blockTag: "pending" }),
    ]);
    if (pending > mined) {
      logger.info(
        { book_id: book.bookId, block_number: Number(blockNumber) },
        "deleverager transaction in flight",
      );
      return { bookId: book.bookId, blockNumber, kind: "in-flight" };
    }
    const { decision, keeperInGrace } = await decideAt(book, blockNumber);
    emit({
      kind: "book",
      bookId: book.bookId,
      blockNumber,
      healthFactorWad: decision.healthFactorWad,
      floorWad: book.floorWad,
      keeperInGrace,
      decision,
    });
    const log = {
      book_id: book.bookId,
      block_number: Number(blockNumber),
      health_factor: Number(decision.healthFactorWad) / 1e18,
    };
    if (decision.kind === "hold") {
      logger.debug({ ...log, reason: decision.reason }, "deleverager holds");
      return { bookId: book.bookId, blockNumber, kind: "decided", decision, txHashes: [] };
    }
    const txHashes: Hex[] = [];
    let nonce = mined;
    try {
      for (const call of await repayCalls(book, decision, blockNumber)) {
        const repay = call.to === book.aave.contracts.pool;
        txHashes.push(
          await execWithRole(book, call, nonce, (event) => {
            if (!repay) return;
            if (event.kind === "sent")
              emit({
                kind: "repay.sent",
                bookId: book.bookId,
                blockNumber,
                txHash: event.hash,
                units: decision.units,
                source: decision.source,
              });
            else
              emit({
                kind: "repay.confirmed",
                bookId: book.bookId,
                blockNumber: event.blockNumber,
                txHash: event.hash,
                gasUsed: event.gasUsed,
              });
          }),
        );
        nonce += 1;
      }
    } catch (error) {
      emit({ kind: "repay.failed", bookId: book.bookId, blockNumber, error: errorText(error) });
      throw error;
    }
    logger.warn(
      {
        ...log,
        source: decision.source,
        units: decision.units.toString(),
        health_factor_after: Number(decision.healthFactorAfterWad) / 1e18,
        reaches_target: decision.reachesTarget,
        tx_hash: txHashes.at(-1),
      },
      "deleverager repaid the Safe's Aave debt",
    );
    return { bookId: book.bookId, blockNumber, kind: "decided", decision, txHashes };
  }

  async function decideAt(
    book: DeleveragerBook,
    blockNumber: bigint,
  ): Promise<{ decision: DeleverageDecision; keeperInGrace: boolean }> {
    const [account, [heldShort, lastPlanBlock, round], block] = await Promise.all([
      readAaveAccount(client, book.aave, blockNumber),
      client.multicall({
        allowFailure: false,
        blockNumber,
        contracts: [
          { address: book.shortAsset, abi: erc20Abi, functionName: "balanceOf", args: [book.safe] },
          {
            address: book.hedgeGuard,
            abi: HEDGE_GUARD_ABI,
            functionName: "lastPlanBlock",
            args: [book.safe, bookKey(book.bookId)],
          },
          { address: book.shortFeed.address, abi: AGGREGATOR_V3_ABI, functionName: "latestRoundData" },
        ],
      }),
      client.getBlock({ blockNumber }),
    ]);
    const updatedAt = round[3];
    const keeperGraceBlocks = BigInt(options.keeperGraceBlocks);
    const decision = decideDeleverage({
      account,
      shortAsset: book.shortAsset,
      heldShortUnits: heldShort,
      floorWad: book.floorWad,
      targetWad: book.targetWad,
      blockNumber,
      keeperLastPlanBlock: lastPlanBlock,
      keeperGraceBlocks,
      oracleFresh: round[1] > 0n && block.timestamp - updatedAt <= BigInt(book.shortFeed.heartbeatSec),
    });
    // The engine's own `keeper-active` test, reported whatever the decision (it only reaches it under the floor).
    return { decision, keeperInGrace: blockNumber - lastPlanBlock <= keeperGraceBlocks };
  }

  /** The Pool calls of a repay: the approve it needs (only when the Safe's allowance falls short), then the repay. */
  async function repayCalls(
    book: DeleveragerBook,
    decision: Extract<DeleverageDecision, { kind: "repay" }>,
    blockNumber: bigint,
  ): Promise<{ to: Address; data: Hex }[]> {
    const pool = book.aave.contracts.pool;
    if (decision.source === "aTokens")
      return [
        {
          to: pool,
          data: encodeFunctionData({
            abi: AAVE_V3_POOL_ABI,
            functionName: "repayWithATokens",
            args: [book.shortAsset, decision.units, AAVE_VARIABLE_RATE_MODE],
          }),
        },
      ];
    const repay = {
      to: pool,
      data: encodeFunctionData({
        abi: AAVE_V3_POOL_ABI,
        functionName: "repay",
        args: [book.shortAsset, decision.units, AAVE_VARIABLE_RATE_MODE, book.safe],
      }),
    };
    const allowance = await client.readContract({
      address: book.shortAsset,
      abi: erc20Abi,
      functionName: "allowance",
      args: [book.safe, pool],
      blockNumber,
    });
    if (allowance >= decision.units) return [repay];
    const approve = {
      to: book.shortAsset,
      data: encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [pool, decision.units] }),
    };
    return [approve, repay];
  }

  /** One call by the Safe through the deleverager role: simulated (a refusal is an error), signed, sent, mined. */
  async function execWithRole(
    book: DeleveragerBook,
    call: { to: Address; data: Hex },
    nonce: number,
    onTransaction: (
      event:
        | { kind: "sent"; hash: Hex }
        | { kind: "confirmed"; hash: Hex; blockNumber: bigint; gasUsed: bigint },
    ) => void,
  ): Promise<Hex> {
    const args = [call.to, 0n, call.data, CALL, DELEVERAGER_ROLE_KEY, true] as const;
    await client.simulateContract({
      address: book.roles,
      abi: rolesAbi,
      functionName: "execTransactionWithRole",
      args,
      account: signer.address,
    });
    const data = encodeFunctionData({ abi: rolesAbi, functionName: "execTransactionWithRole", args });
    const [gas, fees] = await Promise.all([
      client.estimateGas({ account: signer.address, to: book.roles, data }),
      client.estimateFeesPerGas(),
    ]);
    const raw = await signer.signTransaction({
      type: "eip1559",
      chainId: options.chainId,
      nonce,
      to: book.roles,
      data,
      value: 0n,
      gas: (gas * GAS_HEADROOM_PCT) / 100n,
      maxFeePerGas: fees.maxFeePerGas,
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
    });
    const hash = await client.sendRawTransaction({ serializedTransaction: raw });
    onTransaction({ kind: "sent", hash });
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: options.pollIntervalMs });
    if (receipt.status !== "success")
      throw new Error(`deleverager transaction ${hash} reverted in block ${receipt.blockNumber}`);
    onTransaction({ kind: "confirmed", hash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed });
    return hash;
  }

  async function run(): Promise<void> {
    let last = -1n;
    while (!controller.signal.aborted) {
      try {
        const head = await client.getBlockNumber({ cacheTime: 0 });
        if (head > last) {
          emit({ kind: "head", blockNumber: head });
          await tick(head);
          last = head;
        }
      } catch (error) {
        logger.error({ err: errorText(error) }, "deleverager could not read the head");
      }
      await sleep(options.pollIntervalMs, controller.signal);
    }
  }

  return {
    tick,
    start() {
      loop ??= run();
    },
    async stop() {
      controller.abort();
      await loop;
    },
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
