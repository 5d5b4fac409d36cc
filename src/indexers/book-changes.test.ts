import { describe, expect, it } from "vitest";
import { type ChangeLog, detectBookChanges } from "./book-changes.ts";

const SAFE = "0x00000000000000000000000000000000000000aa";
const NPM = "0x00000000000000000000000000000000000000bb";
const POOL = "0x00000000000000000000000000000000000000cc";
const OTHER = "0x00000000000000000000000000000000000000dd";

let index = 0;
const log = (
  address: string,
  eventName: string,
  args: Record<string, unknown>,
  blockNumber = 10n,
): ChangeLog => ({
  address: address as `0x${string}`,
  eventName,
  args,
  blockNumber,
  logIndex: index++,
});

const detect = (logs: ChangeLog[], cachedTick = 0) =>
  detectBookChanges({
    logs,
    safe: SAFE,
    positionManager: NPM,
    trackedTokenIds: new Set([1n, 2n]),
    trackedTicks: new Map([[POOL, new Set([-120, -60, 60, 120])]]),
    cachedPoolTicks: new Map([[POOL, cachedTick]]),
  });

describe("detectBookChanges", () => {
  it("reports nothing when nothing relevant happened", () => {
    const changes = detect([
      log(NPM, "Transfer", { from: OTHER, to: "0x00000000000000000000000000000000000000ee", tokenId: 9n }),
    ]);
    expect(changes).toEqual({ rediscover: false, positions: new Set(), ticks: new Map() });
  });

  it("asks for rediscovery when an NFT moves to or from the Safe", () => {
    expect(detect([log(NPM, "Transfer", { from: SAFE, to: OTHER, tokenId: 1n })]).rediscover).toBe(true);
    expect(detect([log(NPM, "Transfer", { from: OTHER, to: SAFE, tokenId: 7n })]).rediscover).toBe(true);
  });

  it("marks tracked positions touched by liquidity or collect events, ignoring others", () => {
    const changes = detect([
      log(NPM, "IncreaseLiquidity", { tokenId: 1n }),
      log(NPM, "Collect", { tokenId: 2n }),
      log(NPM, "DecreaseLiquidity", { tokenId: 99n }),
    ]);
    expect(changes.positions).toEqual(new Set([1n, 2n]));
  });

  it("marks exactly the tracked ticks a swap path crosses, up and then down", () => {
    // 0 → 70 crosses 60; 70 → -70 crosses 60 again and -60.
    const changes = detect([log(POOL, "Swap", { tick: 70 }), log(POOL, "Swap", { tick: -70 })]);
    expect(changes.ticks.get(POOL)).toEqual(new Set([60, -60]));
  });

  it("follows the swaps in block and log order, whatever order they arrive in", () => {
    const up = log(POOL, "Swap", { tick: 130 }, 11n);
    const down = log(POOL, "Swap", { tick: 0 }, 12n);
    expect(detect([down, up]).ticks.get(POOL)).toEqual(new Set([60, 120]));
  });

  it("marks the bounds of liquidity added or removed at tracked ticks", () => {
    const changes = detect([
      log(POOL, "Mint", { tickLower: -120, tickUpper: 240 }),
      log(POOL, "Burn", { tickLower: 60, tickUpper: 300 }),
    ]);
    expect(changes.ticks.get(POOL)).toEqual(new Set([-120, 60]));
  });

  it("marks nothing for a swap that stays between tracked ticks", () => {
    expect(detect([log(POOL, "Swap", { tick: 30 })], 10).ticks.size).toBe(0);
  });
});
