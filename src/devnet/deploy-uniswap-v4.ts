import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import {
  type Address,
  concat,
  encodeAbiParameters,
  encodePacked,
  getAddress,
  getContractAddress,
  type Hex,
  keccak256,
  toHex,
  zeroHash,
} from "viem";
import { HOOK_FLAGS } from "../engine/v4-hook-flags.ts";
import { type Artifact, loadArtifact } from "./artifacts.ts";
import { loadProjectArtifact } from "./devnet-artifacts.ts";
import type { DevnetClient } from "./devnet-client.ts";
import { mineHookSalt } from "./hook-salt.ts";
import {
  MAINNET_TOKENS,
  MAINNET_UNISWAP_V4,
  SAFE_SINGLETON_FACTORY_RUNTIME,
  UNISWAP_V4_MAINNET_DEPLOYMENT,
} from "./mainnet-addresses.ts";
import {
  DevnetTransactionError,
  deployRuntimeAt,
  impersonate,
  sendDevnetTransaction,
} from "./transactions.ts";

const CORE = "@uniswap/v4-core/out";
const PERIPHERY = "@uniswap/v4-periphery/foundry-out";

export interface UniswapV4Deployment {
  poolManager: Address;
  positionManager: Address;
  stateView: Address;
  v4Quoter: Address;
  permit2: Address;
  /** v4-core's PoolSwapTest: the devnet's swap router (not on mainnet; Uniswap deploys it on testnets). */
  poolSwapTest: Address;
  /** DevnetDynamicFeeHook (contracts/devnet): devnet only. */
  dynamicFeeHook: Address;
  /** The block that created the PositionManager: where Transfer-log discovery of positions starts. */
  positionManagerBlock: number;
}

/** The LP fee the devnet hook gives its pools, hundredths of a bip (0.30%). */
export const DEVNET_HOOK_INITIAL_LP_FEE = 3_000;

/**
 * The salt mineHookSalt finds for the current DevnetDynamicFeeHook build (29,119 tries, about half a second), tried
 * first so the bootstrap skips the search; a changed contract or constructor argument makes it search again.
 */
const DEVNET_HOOK_SALT_HINT = 0x71be;

/**
 * Arachnid's deterministic deployment proxy (calldata salt ‖ init code → CREATE2, returns the address; reverts when
 * the creation fails) has the same runtime as the Safe singleton factory (foundry's
 * DEFAULT_CREATE2_DEPLOYER_RUNTIME_CODE is these bytes). No immutables, no storage: setting its runtime is exact.
 */
const CREATE2_PROXY_RUNTIME: Hex = SAFE_SINGLETON_FACTORY_RUNTIME;

/**
 * Uniswap v4 and Permit2 at their Ethereum mainnet addresses, from the packages' compiled artifacts, each placed
 * the way its immutables and constructor storage allow:
 *
 * - PoolManager: its constructor writes the owner (Owned) and NoDelegateCall keeps `address(this)` as an
 *   immutable, so a runtime copy would be wrong. Mainnet's PoolManager was CREATE2-deployed by the
 *   UniswapV4DeployerCompetition contract with the winning salt; v4-core 1.0.2's init code with the mainnet owner
 *   hashes to the competition's init-code hash, so replaying that CREATE2 from the competition's address gives
 *   the mainnet address with the constructor run there. The devnet lends that address the CREATE2 proxy's
 *   runtime for the one call, then empties it again.
 * - PositionManager and StateView: mainnet deployed them through Arachnid's CREATE2 proxy with salt 0, and
 *   v4-periphery 1.0.3's init code is byte-identical to that broadcast's, so the same call gives the same
 *   addresses. It matters for PositionManager beyond its immutables (PoolManager, Permit2, WETH9, descriptor):
 *   its constructor writes storage (ERC-721 name and symbol, nextTokenId = 1) and caches its EIP-712 domain
 *   for this chain id and address.
 * - V4Quoter: mainnet's came from another periphery build (different bytes), so no CREATE2 replay gives its
 *   address. Its only immutable is the PoolManager, which sits at its real address, and it writes no storage:
 *   deployed at a scratch address, its runtime copied to the mainnet address behaves as deployed there.
 * - Permit2: no package ships its init code (only sources for solc 0.8.17 via-IR), but permit2's own test helper
 *   (test/utils/DeployPermit2.sol) carries the runtime Uniswap etches at the canonical address. Its two
 *   immutables cache the EIP-712 domain of the chain it was captured on (chain 31337 at some other address),
 *   which on this chain (also 31337) would be returned as is and be wrong. They are set to mainnet's (chain
 *   id 1, mainnet domain separator), as the runtime at the mainnet address has them: on the devnet the chain id
 *   differs, so DOMAIN_SEPARATOR() recomputes for this chain and this address.
 *
 * Devnet-only contracts come through the same CREATE2 proxy: the PoolSwapTest router, and the dynamic-fee hook
 * at a salt mined for its permission bits.
 */
export async function deployUniswapV4(
  client: DevnetClient,
  options: { hookFeeSetter: Address },
): Promise<UniswapV4Deployment> {
  const mainnet = UNISWAP_V4_MAINNET_DEPLOYMENT;
  const sender = mainnet.peripheryDeployer;
  await impersonate(client, sender);
  await client.testClient.setCode({ address: mainnet.create2Proxy, bytecode: CREATE2_PROXY_RUNTIME });

  // PoolManager: CREATE2 from the competition contract's address.
  const poolManagerCode = withArgs(
    loadArtifact(`${CORE}/PoolManager.sol/PoolManager.json`),
    [{ type: "address" }],
    [mainnet.poolManagerOwner],
  );
  if (keccak256(poolManagerCode) !== mainnet.poolManagerInitCodeHash) {
    throw new Error(
      "v4-core's PoolManager init code is not the one mainnet deployed: check the package version",
    );
  }
  await client.testClient.setCode({ address: mainnet.poolManagerCreator, bytecode: CREATE2_PROXY_RUNTIME });
  const poolManager = await create2(client, sender, mainnet.poolManagerCreator, "PoolManager", {
    salt: mainnet.poolManagerSalt,
    initCode: poolManagerCode,
  });
  await client.testClient.setCode({ address: mainnet.poolManagerCreator, bytecode: "0x" });

  await client.testClient.setCode({ address: MAINNET_UNISWAP_V4.permit2, bytecode: permit2MainnetRuntime() });

  const positionManager = await create2(client, sender, mainnet.create2Proxy, "PositionManager", {
    salt: zeroHash,
    initCode: withArgs(
      loadArtifact(`${PERIPHERY}/PositionManager.sol/PositionManager.json`),
      [
        { type: "address" },
        { type: "address" },
        { type: "uint256" },
        { type: "address" },
        { type: "address" },
      ],
      [
        poolManager,
        MAINNET_UNISWAP_V4.permit2,
        mainnet.unsubscribeGasLimit,
        MAINNET_UNISWAP_V4.positionDescriptor,
        MAINNET_TOKENS.weth,
      ],
    ),
  });
  const positionManagerBlock = Number(await client.publicClient.getBlockNumber());
  const stateView = await create2(client, sender, mainnet.create2Proxy, "StateView", {
    salt: zeroHash,
    initCode: withArgs(
      loadArtifact(`${PERIPHERY}/StateView.sol/StateView.json`),
      [{ type: "address" }],
      [poolManager],
    ),
  });
  const quoterArtifact = loadArtifact(`${PERIPHERY}/V4Quoter.sol/V4Quoter.json`);
  const v4Quoter = await deployRuntimeAt(
    client,
    sender,
    { label: "V4Quoter (scratch copy)", ...quoterArtifact, args: [poolManager] },
    MAINNET_UNISWAP_V4.v4Quoter,
  );

  const poolSwapTest = await create2(client, sender, mainnet.create2Proxy, "PoolSwapTest", {
    salt: zeroHash,
    initCode: withArgs(
      loadArtifact(`${CORE}/PoolSwapTest.sol/PoolSwapTest.json`),
      [{ type: "address" }],
      [poolManager],
    ),
  });
  const hookCode = withArgs(
    loadProjectArtifact("devnet/DevnetDynamicFeeHook.sol", "DevnetDynamicFeeHook"),
    [{ type: "address" }, { type: "address" }, { type: "uint24" }],
    [poolManager, options.hookFeeSetter, DEVNET_HOOK_INITIAL_LP_FEE],
  );
  const mined = mineHookSalt(mainnet.create2Proxy, keccak256(hookCode), HOOK_FLAGS.afterInitialize, {
    hint: DEVNET_HOOK_SALT_HINT,
  });
  const dynamicFeeHook = await create2(client, sender, mainnet.create2Proxy, "DevnetDynamicFeeHook", {
    salt: mined.salt,
    initCode: hookCode,
  });
  await client.testClient.stopImpersonatingAccount({ address: sender });

  const deployment = {
    poolManager,
    positionManager,
    stateView,
    v4Quoter,
    permit2: MAINNET_UNISWAP_V4.permit2,
    poolSwapTest,
    dynamicFeeHook,
    positionManagerBlock,
  };
  for (const key of ["poolManager", "positionManager", "stateView", "v4Quoter"] as const) {
    if (getAddress(deployment[key]) !== MAINNET_UNISWAP_V4[key]) {
      throw new Error(
        `${key} deployed at ${deployment[key]}, not at its mainnet address ${MAINNET_UNISWAP_V4[key]}`,
      );
    }
  }
  return deployment;
}

function withArgs(artifact: Artifact, types: readonly { type: string }[], values: readonly unknown[]): Hex {
  return concat([artifact.bytecode, encodeAbiParameters(types, values)]);
}

/** CREATE2 through a deterministic-deployment-proxy runtime at `factory` (calldata: salt ‖ init code). */
async function create2(
  client: DevnetClient,
  from: Address,
  factory: Address,
  label: string,
  input: { salt: Hex; initCode: Hex },
): Promise<Address> {
  const address = getContractAddress({
    opcode: "CREATE2",
    from: factory,
    salt: input.salt,
    bytecode: input.initCode,
  });
  await sendDevnetTransaction(client, `deploy ${label}`, {
    from,
    to: factory,
    data: concat([input.salt, input.initCode]),
  });
  const code = await client.publicClient.getCode({ address });
  if (!code || code === "0x") throw new DevnetTransactionError(`deploy ${label} left no code at ${address}`);
  return address;
}

const PERMIT2_EIP712_TYPEHASH = keccak256(
  toHex("EIP712Domain(string name,uint256 chainId,address verifyingContract)"),
);

/**
 * Permit2's runtime as the permit2 package's DeployPermit2 test helper etches it, with its EIP-712 immutables
 * (cached chain id and domain separator, read right after CHAINID in DOMAIN_SEPARATOR()) set to mainnet's.
 */
export function permit2MainnetRuntime(): Hex {
  const source = readFileSync(
    createRequire(import.meta.url).resolve("@uniswap/v4-periphery/lib/permit2/test/utils/DeployPermit2.sol"),
    "utf8",
  );
  const runtime = /bytes memory bytecode =\s*hex"([0-9a-f]+)"/.exec(source)?.[1];
  if (!runtime) throw new Error("permit2's DeployPermit2.sol no longer carries the runtime hex");
  // CHAINID PUSH32 <cached chain id> SUB PUSH2 <recompute> JUMPI PUSH32 <cached domain separator>
  const immutables = /467f([0-9a-f]{64})0361([0-9a-f]{4})577f([0-9a-f]{64})/g;
  const found = [...runtime.matchAll(immutables)];
  if (found.length !== 1)
    throw new Error(`expected one cached EIP-712 domain in Permit2's runtime, found ${found.length}`);
  const mainnetDomain = keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "bytes32" }, { type: "uint256" }, { type: "address" }],
      [PERMIT2_EIP712_TYPEHASH, keccak256(toHex("Permit2")), 1n, MAINNET_UNISWAP_V4.permit2],
    ),
  );
  const [match, , jump] = found[0]!;
  const patched = `467f${encodePacked(["uint256"], [1n]).slice(2)}0361${jump}577f${mainnetDomain.slice(2)}`;
  return `0x${runtime.replace(match, patched)}`;
}
