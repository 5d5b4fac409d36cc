import { describe, expect, it } from "vitest";
import {
  PERP_PRICE_LIMIT_INTERVAL_SEC,
  type PerpPriceLimit,
  perpMoveBlockTimestamp,
} from "./perp-price-limit.ts";
import { sqrtPriceX96FromRawPrice } from "./price-math.ts";

// The book-indexer test's second move, from the index (~3,000, tick 80,067) to 9% over it (3,270, tick 80,929):
// 862 ticks from where it starts, 1,805 from the 9%-under tick (79,124) Perp kept as its reference when the
// previous block, the move up to the index, was the first past the 15 s interval.
const toPremium = sqrtPriceX96FromRawPrice(3270);
const afterMoveToIndex: PerpPriceLimit = {
  referenceTick: 79_124,
  referenceTimestampSec: 1_000,
  maxTickCrossedWithinBlock: 1_000,
  currentTick: 80_067,
  latestTimestampSec: 1_000,
};

describe("perpMoveBlockTimestamp", () => {
  it("leaves the timestamp to the node when the move fits the kept reference and a refreshed one alike", () => {
    // The same move with the reference still at the devnet's starting tick (80,040): 889 ticks either way.
    expect(perpMoveBlockTimestamp({ ...afterMoveToIndex, referenceTick: 80_040 }, toPremium)).toBeUndefined();
  });

  it("mines at the end of Perp's price-limit interval when only the refreshed reference leaves room", () => {
    expect(perpMoveBlockTimestamp(afterMoveToIndex, toPremium)).toBe(1_000 + PERP_PRICE_LIMIT_INTERVAL_SEC);
    // Once the interval is over, the next block refreshes the reference whatever its second: nothing to pin.
    const intervalOver = {
      ...afterMoveToIndex,
      latestTimestampSec: 1_000 + PERP_PRICE_LIMIT_INTERVAL_SEC - 1,
    };
    expect(perpMoveBlockTimestamp(intervalOver, toPremium)).toBeUndefined();
  });

  it("mines in the next second when only the kept reference leaves room", () => {
    // To 2,950 (tick 79,899) from tick 81,129: 1,230 ticks from now, 141 from the reference kept at 80,040.
    const kept = { ...afterMoveToIndex, referenceTick: 80_040, currentTick: 81_129 };
    expect(perpMoveBlockTimestamp(kept, sqrtPriceX96FromRawPrice(2950))).toBe(1_001);
  });

  it("refuses a move that neither reference leaves room for, naming the ticks", () => {
    expect(() => perpMoveBlockTimestamp(afterMoveToIndex, sqrtPriceX96FromRawPrice(3600))).toThrow(
      /tick 81\d{3} is more than maxTickCrossedWithinBlock \(1000\) from tick 80067 \(now\) and from Perp's reference tick 79124/,
    );
  });
});
