import { describe, expect, it } from "vitest";
import type { ChangeLog } from "./book-changes.ts";
import { detectV4Changes } from "./v4-changes.ts";

const SAFE = "0x1111111111111111111111111111111111111111";
const POOL_MANAGER = "0x000000000004444c5dc75cB358380D2e3dE08A90";
const POSITION_MANAGER = "0xbD216513d74C8cf14cf4747E6AaA6420FF64ee9e";
const POOL = "0x21c67e77068de97969ba93d4aab21826d33ca12bb9f565d8496e8fda8a82ca27";
const OTHER_POOL = "0x8aa4e11cbdf30eedc92100f4c8a31ff748e201d44712cc8c90d189edaa8e4e47";

let logIndex = 0;
const log = (address: string, eventName: string, args: Record<string, unknown>): ChangeLog => ({
  address: address as `0x${string}`,
  eventName,
  args,
  blockNumber: 10n,
  logIndex: logIndex++,
});

const detect = (logs: ChangeLog[]) =>
  detectV4Changes({
    logs,
    safe: SAFE,
    poolManager: POOL_MANAGER,
    positionManager: POSITION_MANAGER,
    trackedTokenIds: new Set([7n]),
    trackedTicks: new Map([[POOL, new Set([-100, 100])]]),
    cachedPoolTicks: new Map([[POOL, 0]]),
  });

describe("v4 book changes from logs", () => {
  it("marks only the bound ticks a swap crosses, in its own pool", () => {
    const up = detect([log(POOL_MANAGER, "Swap", { id: POOL, tick: 150 })]);
    expect([...(up.ticks.get(POOL) ?? [])]).toEqual([100]);
    const within = detect([log(POOL_MANAGER, "Swap", { id: POOL, tick: 99 })]);
    expect(within.ticks.size).toBe(0);
    // Down from 0 to −100 leaves tick −100's range: −100 is crossed (min < t <= max).
    const down = detect([log(POOL_MANAGER, "Swap", { id: POOL, tick: -101 })]);
    expect([...(down.ticks.get(POOL) ?? [])]).toEqual([-100]);
    const elsewhere = detect([log(POOL_MANAGER, "Swap", { id: OTHER_POOL, tick: 500 })]);
    expect(elsewhere.ticks.size).toBe(0);
  });

  it("follows the pool's tick through consecutive swaps of one getLogs", () => {
    const changes = detect([
      log(POOL_MANAGER, "Swap", { id: POOL, tick: 50 }),
      log(POOL_MANAGER, "Swap", { id: POOL, tick: -150 }),
    ]);
    expect([...(changes.ticks.get(POOL) ?? [])].sort((a, b) => a - b)).toEqual([-100]);
  });

  it("marks a Safe position changed by a PositionManager ModifyLiquidity with its salt, and its bounds", () => {
    const salt = `0x${7n.toString(16).padStart(64, "0")}`;
    const changes = detect([
      log(POOL_MANAGER, "ModifyLiquidity", {
        id: POOL,
        sender: POSITION_MANAGER,
        tickLower: -100,
        tickUpper: 100,
        salt,
      }),
    ]);
    expect([...changes.positions]).toEqual([7n]);
    expect([...(changes.ticks.get(POOL) ?? [])].sort((a, b) => a - b)).toEqual([-100, 100]);
    // Another router's position with the same salt is not the NFT's.
    const other = detect([
      log(POOL_MANAGER, "ModifyLiquidity", { id: POOL, sender: SAFE, tickLower: -300, tickUpper: 300, salt }),
    ]);
    expect(other.positions.size).toBe(0);
  });

  it("reads a transfer to the Safe as a new candidate and any transfer as an owner to read again", () => {
    const changes = detect([
      log(POSITION_MANAGER, "Transfer", {
        from: "0x0000000000000000000000000000000000000000",
        to: SAFE,
        tokenId: 9n,
      }),
      log(POSITION_MANAGER, "Transfer", { from: SAFE, to: POOL_MANAGER, id: 7n }),
    ]);
    expect([...changes.received]).toEqual([9n]);
    expect([...changes.transferred].sort()).toEqual([7n, 9n]);
  });

  it("marks a subscription change of a tracked position", () => {
    const changes = detect([log(POSITION_MANAGER, "Subscription", { tokenId: 7n, subscriber: SAFE })]);
    expect([...changes.positions]).toEqual([7n]);
  });
});
