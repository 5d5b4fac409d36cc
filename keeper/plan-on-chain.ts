// Has the chain already carried out this plan? HedgeGuard's checkPremise, the first call of every plan batch, emits
// `PlanAdmitted(treasury, bookKey, planId, planBlock)` (contracts/interfaces/IHedgeGuard.sol): a log with the plan's
// id is proof that one of our transactions executed it. The submit job asks before signing a plan whose record holds
// no transaction: Redis replicates asynchronously, so a failover can lose the write that recorded the signed bytes
// while the transaction itself was broadcast and mined. The chain is the record that cannot be lost; the plan's
// transaction is read back from it and recorded as if it had just been signed, and confirm finishes the plan.
import { keccak256, parseAbiItem, recoverTransactionAddress, serializeTransaction } from "viem";
import { MalformedReturnDataError } from "../src/chain/errors.ts";
import type { KeeperCommon, KeeperContext } from "./context.ts";
import type { TxRecord } from "./plan-store.ts";

const PLAN_ADMITTED = parseAbiItem(
  "event PlanAdmitted(address indexed treasury, bytes32 indexed bookKey, bytes32 indexed planId, uint256 planBlock)",
);

/** The keeper's transaction that executed `planId` (admitted by `hedgeGuard` at or after `planBlock`), if any. */
export async function planTransactionOnChain(
  ctx: Pick<KeeperContext, "client" | "chainId" | "signer"> & { common: Pick<KeeperCommon, "clock"> },
  input: { planId: `0x${string}`; planBlock: bigint; hedgeGuard: `0x${string}` },
): Promise<TxRecord | undefined> {
  const logs = await ctx.client.getLogs({
    address: input.hedgeGuard,
    event: PLAN_ADMITTED,
    args: { planId: input.planId },
    fromBlock: input.planBlock,
    toBlock: "latest",
  });
  for (const log of logs) {
    const tx = await ctx.client.getTransaction({ hash: log.transactionHash });
    // A transaction of a kind the keeper never signs (it signs EIP-1559 calls only): not ours to record.
    if (tx.type !== "eip1559" || tx.to === null) continue;
    const raw = serializeTransaction(
      {
        type: "eip1559",
        chainId: ctx.chainId,
        nonce: tx.nonce,
        to: tx.to,
        data: tx.input,
        value: tx.value,
        gas: tx.gas,
        maxFeePerGas: tx.maxFeePerGas,
        maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
        accessList: tx.accessList,
      },
      { r: tx.r, s: tx.s, yParity: tx.yParity },
    );
    // The node's answer must be the transaction it names: bytes that hash to another id are a bad RPC answer.
    if (keccak256(raw) !== tx.hash)
      throw new MalformedReturnDataError(
        `transaction ${tx.hash} as served by the node does not hash to its id`,
        {
          details: { tx_hash: tx.hash },
        },
      );
    // The sender is what the signature proves, not what the node says: `from` is outside the signed bytes, so a
    // hostile RPC could name the keeper as the sender of a steward's transaction and have it recorded as ours.
    const sender = await recoverTransactionAddress({ serializedTransaction: raw });
    if (sender.toLowerCase() !== tx.from.toLowerCase())
      throw new MalformedReturnDataError(
        `transaction ${tx.hash} as served by the node names sender ${tx.from}, its signature was made by ${sender}`,
        { details: { tx_hash: tx.hash, claimed_from: tx.from, signed_by: sender } },
      );
    // Admitted through another key (a steward executing the plan by hand): not ours to record. The plan's
    // simulation then refuses it as already admitted.
    if (sender.toLowerCase() !== ctx.signer.address.toLowerCase()) continue;
    return {
      hash: tx.hash,
      raw,
      nonce: tx.nonce,
      kind: "plan",
      to: tx.to,
      data: tx.input,
      gas: tx.gas,
      maxFeePerGas: tx.maxFeePerGas,
      maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
      signedAtMs: ctx.common.clock.nowMs(),
      sentAtBlock: tx.blockNumber ?? log.blockNumber,
    };
  }
  return undefined;
}
