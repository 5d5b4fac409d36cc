import { type Hex, keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { PlanTamperedError } from "./errors.ts";
import type { TxRecord } from "./plan-store.ts";
import { checkRecordedTransaction } from "./recorded-transaction.ts";

const keeper = privateKeyToAccount(`0x${"5a".repeat(32)}`);
const stranger = privateKeyToAccount(`0x${"a5".repeat(32)}`);
const ROLES = "0x00000000000000000000000000000000000000aa" as const;
const PLAN_CALL = "0x6928e74b0000000000000000000000000000000000000000000000000000000000000001" as Hex;
const EXPECTED = { chainId: 31_337, signer: keeper.address, to: ROLES, data: PLAN_CALL };

async function recorded(
  options: { by?: typeof keeper; chainId?: number; to?: `0x${string}`; data?: Hex; value?: bigint } = {},
): Promise<TxRecord> {
  const tx = {
    type: "eip1559" as const,
    chainId: options.chainId ?? 31_337,
    nonce: 7,
    to: options.to ?? ROLES,
    data: options.data ?? PLAN_CALL,
    value: options.value ?? 0n,
    gas: 900_000n,
    maxFeePerGas: 30n * 10n ** 9n,
    maxPriorityFeePerGas: 10n ** 9n,
  };
  const raw = await (options.by ?? keeper).signTransaction(tx);
  return {
    hash: keccak256(raw),
    raw,
    nonce: tx.nonce,
    kind: "plan",
    to: tx.to,
    data: tx.data,
    gas: tx.gas,
    maxFeePerGas: tx.maxFeePerGas,
    maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
    signedAtMs: 0,
    sentAtBlock: 1n,
  };
}

async function refusal(tx: TxRecord): Promise<string> {
  const error = await checkRecordedTransaction(tx, EXPECTED).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PlanTamperedError);
  return (error as Error).message.replace(`recorded transaction ${tx.hash}: `, "");
}

describe("a recorded transaction, before it is re-sent or replaced", () => {
  it("is accepted when its bytes are the keeper's, for this chain and the plan's call; the signed fields come from the bytes", async () => {
    expect(await checkRecordedTransaction(await recorded(), EXPECTED)).toEqual({
      nonce: 7,
      gas: 900_000n,
      maxFeePerGas: 30n * 10n ** 9n,
      maxPriorityFeePerGas: 10n ** 9n,
    });
  });

  it("is refused when the record's to or data were changed (a replacement would have signed them)", async () => {
    const tx = await recorded();
    expect(await refusal({ ...tx, to: stranger.address })).toBe(
      "the record's fields do not describe its signed bytes",
    );
    expect(await refusal({ ...tx, data: `${PLAN_CALL}00` })).toBe(
      "the record's fields do not describe its signed bytes",
    );
    expect(await refusal({ ...tx, nonce: 8 })).toBe("the record's fields do not describe its signed bytes");
  });

  it("is refused when its bytes are someone else's, another call, another chain, carry value, or do not decode", async () => {
    expect(await refusal(await recorded({ by: stranger }))).toBe(
      `signed by ${stranger.address}, not the keeper`,
    );
    expect(await refusal(await recorded({ data: `${PLAN_CALL}ff` }))).toBe("its calldata is not the plan's");
    expect(await refusal(await recorded({ to: stranger.address }))).toBe(
      `sent to ${stranger.address.toLowerCase()}, not ${ROLES}`,
    );
    expect(await refusal(await recorded({ chainId: 1 }))).toBe("chain 1, not 31337");
    expect(await refusal(await recorded({ value: 1n }))).toBe("it carries value 1");
    const tx = await recorded();
    expect(await refusal({ ...tx, hash: keccak256("0x01") })).toBe(
      "its bytes do not hash to its recorded hash",
    );
    const garbage = "0x02deadbeef" as Hex;
    expect(await refusal({ ...tx, raw: garbage, hash: keccak256(garbage) })).toMatch(
      /^its bytes do not decode as a signed transaction/,
    );
  });
});
