import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  bytesToHex,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  parseAbi,
  toFunctionSelector,
  zeroAddress,
} from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolesAbi } from "zodiac-roles-sdk";
import { DEVNET_ACCOUNT_INDEXES, devnetAccount } from "../../../src/devnet/accounts.ts";
import { type Devnet, startDevnet } from "../../../src/devnet/start-devnet.ts";
import { execSafeTransaction } from "../../../src/devnet/treasury-transaction.ts";
import { HEDGE_BOUNDS_ABI } from "../../../src/execution/abis.ts";
import {
  deployHedgeBounds,
  deployHedgeGuard,
  deployV4WithdrawalBounds,
} from "../../../src/execution/deploy-treasury-contracts.ts";
import { encodeMultiSend } from "../../../src/execution/multisend.ts";
import { ensureMultiSendUnwrapper } from "../../../src/execution/multisend-unwrapper.ts";
import { KEEPER_ROLE_KEY } from "../../../src/execution/role-keys.ts";
import { freeLoopbackPort } from "../../../src/runtime/free-port.ts";
import { runScript } from "../../support/run-script.ts";

// Hiring the keeper the way a real treasury does it: the contracts deployed, `hedgekeeper setup` writes the one
// Safe transaction from the reviewed config, two of the three owners sign and execute it, `check` finds no drift.
const dir = mkdtempSync(join(tmpdir(), "hedgekeeper-setup-"));
const manifestPath = join(dir, "devnet.json");
const configPath = join(dir, "hedgekeeper.yaml");
const keeperKey = bytesToHex(devnetAccount(DEVNET_ACCOUNT_INDEXES.keeper).getHdKey().privateKey!);
let devnet: Devnet;

const hedgekeeper = (args: string[]) =>
  runScript("hedgekeeper", args, 90_000, { HK_KEEPER_PRIVATE_KEY: keeperKey });

beforeAll(async () => {
  devnet = await startDevnet({ port: await freeLoopbackPort(), manifestPath });
}, 120_000);
afterAll(() => devnet?.stop());

describe("hedgekeeper setup", () => {
  it("writes the owners' batch, whose safeTxHash is the Safe's own; once executed, check finds no drift", async () => {
    const m = devnet.manifest;
    const wallet = createWalletClient({
      account: devnetAccount(DEVNET_ACCOUNT_INDEXES.deployer),
      chain: devnet.client.chain,
      transport: devnet.client.transport,
    });
    await ensureMultiSendUnwrapper(devnet.publicClient, wallet);
    const hedgeGuard = await deployHedgeGuard(devnet.publicClient, wallet, {
      owner: m.contracts.treasurySafe,
      positionSource: m.contracts.perp.accountBalance,
    });
    const hedgeBounds = await deployHedgeBounds(devnet.publicClient, wallet, {
      owner: m.contracts.treasurySafe,
      treasury: m.contracts.treasurySafe,
      positionSource: m.contracts.perp.accountBalance,
    });
    const positionManagerV4 = m.uniswapV4!.positionManager;
    const v4WithdrawalBounds = await deployV4WithdrawalBounds(devnet.publicClient, wallet, {
      treasury: m.contracts.treasurySafe,
      positionManager: positionManagerV4,
    });
    const init = await hedgekeeper([
      "init",
      "--network",
      "devnet",
      "--manifest",
      manifestPath,
      "--hedge-guard",
      hedgeGuard,
      "--hedge-bounds",
      hedgeBounds,
      "--v4-withdrawal-bounds",
      v4WithdrawalBounds,
      "--out",
      configPath,
    ]);
    expect(init.code, init.stderr).toBe(0);

    // Before hiring, the deployed permissions differ from the config: check says so.
    expect((await hedgekeeper(["check", "-c", configPath])).code).toBe(1);

    const builderFile = join(dir, "hire.json");
    const setup = await hedgekeeper(["setup", "-c", configPath, "--out", builderFile, "--json"]);
    expect(setup.code, setup.stderr).toBe(0);
    const printed = JSON.parse(setup.stdout) as { safeTxHash: Hex; nonce: string; transactions: number };
    const builder = JSON.parse(readFileSync(builderFile, "utf8")) as {
      chainId: string;
      transactions: { to: `0x${string}`; value: string; data: Hex }[];
    };
    expect(builder.chainId).toBe(String(m.chainId));
    expect(builder.transactions).toHaveLength(printed.transactions);

    const batch = {
      to: m.contracts.multiSendCallOnly,
      value: 0n,
      data: encodeMultiSend(
        builder.transactions.map((t) => ({ to: t.to, value: BigInt(t.value), data: t.data })),
      ),
      operation: 1 as const,
    };
    const onChainHash = await devnet.publicClient.readContract({
      address: m.contracts.treasurySafe,
      abi: parseAbi([
        "function getTransactionHash(address to, uint256 value, bytes data, uint8 operation, uint256 safeTxGas, uint256 baseGas, uint256 gasPrice, address gasToken, address refundReceiver, uint256 _nonce) view returns (bytes32)",
      ]),
      functionName: "getTransactionHash",
      args: [batch.to, 0n, batch.data, 1, 0n, 0n, 0n, zeroAddress, zeroAddress, BigInt(printed.nonce)],
    });
    expect(printed.safeTxHash).toBe(onChainHash);

    const [first, second] = DEVNET_ACCOUNT_INDEXES.owners;
    await execSafeTransaction(
      devnet.client,
      m.contracts.treasurySafe,
      [devnetAccount(first), devnetAccount(second)],
      {
        ...batch,
        label: "owners execute the setup batch",
      },
    );
    const check = await hedgekeeper(["check", "-c", configPath]);
    expect(check.code, `${check.stdout}\n${check.stderr}`).toBe(0);

    // The owners stretch ETH/USD's heartbeat on HedgeBounds (a stale feed would then pass), and revoke the keeper's
    // v4 withdrawals that the batch granted (permissions.uniswapV4Withdrawals): check names both, and nothing else.
    const stretched = encodeFunctionData({
      abi: HEDGE_BOUNDS_ABI,
      functionName: "setPriceSource",
      args: [
        m.contracts.weth,
        { feed: m.feeds.ethUsd.address, heartbeatSec: 86_400, feedDecimals: 8, tokenDecimals: 18 },
      ],
    });
    await execSafeTransaction(
      devnet.client,
      m.contracts.treasurySafe,
      [devnetAccount(first), devnetAccount(second)],
      {
        to: hedgeBounds,
        data: stretched,
        label: "owners stretch a heartbeat outside config",
      },
    );
    const modifyLiquidities = toFunctionSelector("modifyLiquidities(bytes,uint256)");
    await execSafeTransaction(
      devnet.client,
      m.contracts.treasurySafe,
      [devnetAccount(first), devnetAccount(second)],
      {
        to: m.contracts.roles,
        data: encodeFunctionData({
          abi: rolesAbi,
          functionName: "revokeFunction",
          args: [KEEPER_ROLE_KEY, positionManagerV4, modifyLiquidities],
        }),
        label: "owners revoke the v4 withdrawals outside config",
      },
    );
    const drifted = await hedgekeeper(["check", "-c", configPath]);
    expect(drifted.code).toBe(1);
    expect(drifted.stdout).toMatch(/FAIL {2}price bounds .*drift: 1 price sources missing or different/);
    expect(drifted.stdout).toContain(`hedge-bounds:price-source:${m.contracts.weth.toLowerCase()}`);
    expect(drifted.stdout).toContain("heartbeatSec=86400");
    expect(drifted.stdout).toMatch(/drift: 1 missing or different, 0 granted outside config/);
    expect(drifted.stdout).toMatch(
      new RegExp(
        `missing {2}function:${KEEPER_ROLE_KEY}:${positionManagerV4.toLowerCase()}:${modifyLiquidities} \\(config .+, chain none\\)`,
      ),
    );
  });
});
