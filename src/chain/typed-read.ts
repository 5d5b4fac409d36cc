// A contract read that keeps its ABI's types. It joins a block-pinned batch (readAtBlock) like any other read, and
// decodes its result against the ABI: a function with one output gives that value, one with several an object of
// them by name (`position.liquidity`, never `p[7]`), typed by viem from the same ABI.
import type {
  Abi,
  AbiFunction,
  AbiParameter,
  AbiParameterToPrimitiveType,
  Address,
  ContractFunctionArgs,
  ContractFunctionName,
} from "viem";
import { ChainConfigurationError, MalformedReturnDataError } from "./errors.ts";
import type { ContractRead } from "./read-at-block.ts";

type FunctionNamed<abi extends Abi, name extends string> = Extract<
  abi[number],
  { type: "function"; name: name }
>;
type Outputs<abi extends Abi, name extends string> = FunctionNamed<abi, name>["outputs"];

/** What a read of `name` answers: its only output, or every output by its name. */
export type ReadResult<abi extends Abi, name extends string> =
  Outputs<abi, name> extends readonly [infer only extends AbiParameter]
    ? AbiParameterToPrimitiveType<only>
    : {
        readonly [output in Outputs<abi, name>[number] as output extends { name: infer n extends string }
          ? n
          : never]: AbiParameterToPrimitiveType<output>;
      };

export interface TypedRead<T> extends ContractRead {
  /** The raw result viem decoded (an array for several outputs) as `T`. */
  decode(value: unknown): T;
}

type ViewName<abi extends Abi> = ContractFunctionName<abi, "view" | "pure">;

export function typedRead<const abi extends Abi, name extends ViewName<abi>>(read: {
  address: Address;
  abi: abi;
  functionName: name;
  args?: ContractFunctionArgs<abi, "view" | "pure", name>;
  gasHint?: number;
}): TypedRead<ReadResult<abi, name>> {
  const item = read.abi.find(
    (entry): entry is AbiFunction => entry.type === "function" && entry.name === read.functionName,
  );
  if (item === undefined) throw new ChainConfigurationError(`the ABI has no function ${read.functionName}`);
  const names = item.outputs.map((output) => output.name ?? "");
  if (names.length > 1 && names.some((name) => name === "")) {
    throw new ChainConfigurationError(`${read.functionName}: name every output to read it by name`);
  }
  return {
    address: read.address,
    abi: read.abi,
    functionName: read.functionName,
    ...(read.args === undefined ? {} : { args: read.args as readonly unknown[] }),
    ...(read.gasHint === undefined ? {} : { gasHint: read.gasHint }),
    decode(value) {
      if (names.length === 1) return value as ReadResult<abi, name>;
      if (!Array.isArray(value) || value.length !== names.length) {
        throw new MalformedReturnDataError(
          `${read.functionName} did not return its ${names.length} outputs`,
          {
            details: { address: read.address },
          },
        );
      }
      return Object.fromEntries(names.map((name, i) => [name, value[i]])) as ReadResult<abi, name>;
    },
  };
}
