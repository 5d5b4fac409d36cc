// A transaction the keeper recorded in Redis (to re-send the same bytes after a crash, or to replace at the same
// nonce) is trusted only once decoded: its bytes hash to the recorded hash, are signed by the keeper's key for
// this chain, carry no value and call exactly what the verified plan rebuilds to; the record's own fields
// describe those bytes. Anything else was not written by this keeper.
import { type Address, type Hex, keccak256, parseTransaction, recoverTransactionAddress } from "viem";
import { PlanTamperedError } from "./errors.ts";
import type { Fees } from "./fees.ts";
import type { TxRecord } from "./plan-store.ts";

/** What the keeper signed, read from the signed bytes (never from the record's copies). */
export interface SignedFields extends Fees {
  nonce: number;
  gas: bigint;
}

export interface ExpectedCall {
  chainId: number;
  signer: Address;
  to: Address;
  data: Hex;
}

/** Equal hex (addresses, calldata) whatever the case; false for anything that is not a string. */
const sameHex = (a: unknown, b: string) => typeof a === "string" && a.toLowerCase() === b.toLowerCase();

export async function checkRecordedTransaction(tx: TxRecord, expected: ExpectedCall): Promise<SignedFields> {
  const refuse = (why: string): never => {
    throw new PlanTamperedError(`recorded transaction ${tx.hash}: ${why}`, { details: { txHash: tx.hash } });
  };
  let parsed: ReturnType<typeof parseTransaction>;
  let signer: Address;
  try {
    if (keccak256(tx.raw) !== tx.hash) refuse("its bytes do not hash to its recorded hash");
    parsed = parseTransaction(tx.raw);
    signer = await recoverTransactionAddress({ serializedTransaction: tx.raw as never });
  } catch (error) {
    if (error instanceof PlanTamperedError) throw error;
    return refuse(
      `its bytes do not decode as a signed transaction (${(error as Error).message.split("\n")[0]})`,
    );
  }
  if (parsed.type !== "eip1559") refuse(`type ${parsed.type}, the keeper signs eip1559 only`);
  if (parsed.chainId !== expected.chainId) refuse(`chain ${parsed.chainId}, not ${expected.chainId}`);
  if (!sameHex(signer, expected.signer)) refuse(`signed by ${signer}, not the keeper`);
  if (!sameHex(parsed.to, expected.to)) refuse(`sent to ${parsed.to}, not ${expected.to}`);
  if (!sameHex(parsed.data ?? "0x", expected.data)) refuse("its calldata is not the plan's");
  if ((parsed.value ?? 0n) !== 0n) refuse(`it carries value ${parsed.value}`);
  const signed: SignedFields = {
    nonce: parsed.nonce ?? 0,
    gas: parsed.gas ?? 0n,
    maxFeePerGas: parsed.maxFeePerGas ?? 0n,
    maxPriorityFeePerGas: parsed.maxPriorityFeePerGas ?? 0n,
  };
  if (
    !sameHex(tx.to, expected.to) ||
    !sameHex(tx.data, expected.data) ||
    tx.nonce !== signed.nonce ||
    tx.gas !== signed.gas ||
    tx.maxFeePerGas !== signed.maxFeePerGas ||
    tx.maxPriorityFeePerGas !== signed.maxPriorityFeePerGas
  )
    refuse("the record's fields do not describe its signed bytes");
  return signed;
}
