// A node that lies about prices: rewrites the answers of eth_calls reading a Uniswap v3 pool's slot0 and a
// Perp v2 base token's getIndexPrice, whether called directly or inside a Multicall3 aggregate3 batch (how the
// indexer reads a block). Plug `rewrite` into the fault-injecting proxy's `rewriteResult`.
import {
  type Address,
  decodeFunctionData,
  decodeFunctionResult,
  encodeFunctionResult,
  type Hex,
  multicall3Abi,
  toFunctionSelector,
} from "viem";
import { PERP_BASE_TOKEN_ABI } from "../../src/chain/abis/perp-v2-abi.ts";
import { UNISWAP_V3_POOL_ABI } from "../../src/chain/abis/uniswap-v3-abi.ts";
import { getTickAtSqrtRatio } from "../../src/engine/tick-math.ts";

export interface PriceLie {
  /** Pools whose slot0 reports the price (token1 per token0) times `priceFactor`. */
  pools?: readonly { address: Address; priceFactor: number }[];
  /** Base tokens whose getIndexPrice reports the index times `factor`. */
  indexPrices?: readonly { baseToken: Address; factor: number }[];
}

const SLOT0 = toFunctionSelector("function slot0()");
const INDEX_PRICE = toFunctionSelector("function getIndexPrice(uint256)");
const AGGREGATE3 = toFunctionSelector("function aggregate3((address,bool,bytes)[])");
const SCALE = 1_000_000_000n;

const scaled = (x: bigint, factor: number) => (x * BigInt(Math.round(factor * Number(SCALE)))) / SCALE;

export function lyingPrices(lie: PriceLie) {
  const counts = { slot0: 0, indexPrice: 0, insideMulticall: 0 };
  const poolFactor = new Map(lie.pools?.map((p) => [p.address.toLowerCase(), p.priceFactor]));
  const indexFactor = new Map(lie.indexPrices?.map((p) => [p.baseToken.toLowerCase(), p.factor]));

  /** The lie for one call's return data, or undefined when this call is not lied about. */
  function lieAbout(to: string, data: Hex, returnData: Hex): Hex | undefined {
    const target = to.toLowerCase();
    const selector = data.slice(0, 10);
    const priceFactor = poolFactor.get(target);
    if (selector === SLOT0 && priceFactor !== undefined) {
      const slot0 = decodeFunctionResult({
        abi: UNISWAP_V3_POOL_ABI,
        functionName: "slot0",
        data: returnData,
      });
      const sqrtPriceX96 = scaled(slot0[0], Math.sqrt(priceFactor));
      counts.slot0 += 1;
      return encodeFunctionResult({
        abi: UNISWAP_V3_POOL_ABI,
        functionName: "slot0",
        result: [
          sqrtPriceX96,
          getTickAtSqrtRatio(sqrtPriceX96),
          ...slot0.slice(2),
        ] as unknown as typeof slot0,
      });
    }
    const factor = indexFactor.get(target);
    if (selector === INDEX_PRICE && factor !== undefined) {
      const index = decodeFunctionResult({
        abi: PERP_BASE_TOKEN_ABI,
        functionName: "getIndexPrice",
        data: returnData,
      });
      counts.indexPrice += 1;
      return encodeFunctionResult({
        abi: PERP_BASE_TOKEN_ABI,
        functionName: "getIndexPrice",
        result: scaled(index, factor),
      });
    }
    return undefined;
  }

  return {
    /** How many answers were rewritten, and how many of them inside Multicall3 batches. */
    counts,
    rewrite(call: { method: string; params?: unknown }, result: unknown): unknown {
      if (call.method !== "eth_call" || typeof result !== "string") return result;
      const [tx] = call.params as [{ to?: string; data?: Hex; input?: Hex }];
      const data = tx?.data ?? tx?.input;
      if (tx?.to === undefined || data === undefined) return result;
      if (data.slice(0, 10) !== AGGREGATE3) return lieAbout(tx.to, data, result as Hex) ?? result;
      const { args } = decodeFunctionData({ abi: multicall3Abi, data });
      const calls = args[0] as readonly { target: Address; allowFailure: boolean; callData: Hex }[];
      const results = decodeFunctionResult({
        abi: multicall3Abi,
        functionName: "aggregate3",
        data: result as Hex,
      });
      let lied = false;
      const rewritten = results.map((r, i) => {
        const call3 = calls[i];
        if (!r.success || call3 === undefined) return r;
        const returnData = lieAbout(call3.target, call3.callData, r.returnData);
        if (returnData === undefined) return r;
        lied = true;
        counts.insideMulticall += 1;
        return { ...r, returnData };
      });
      return lied
        ? encodeFunctionResult({ abi: multicall3Abi, functionName: "aggregate3", result: rewritten })
        : result;
    },
  };
}
