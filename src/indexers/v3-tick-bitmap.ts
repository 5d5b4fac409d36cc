// Uniswap v3's tick bitmap (v3-core TickBitmap.sol): one bit per spacing multiple, set while that tick is initialized
// (Pool._updatePosition flips it as a tick's liquidityGross leaves or returns to zero). A compressed tick
// c = tick / tickSpacing lives in word c >> 8 (an int16 word position) at bit c mod 256 (uint8(c % 256) in
// Solidity: the low eight bits of c, for negative c too). One word covers 256 spacing multiples, so the initialized
// ticks of a window of a few dozen multiples take one or two word reads, instead of a ticks(i) read per multiple.

/** The word positions whose bits cover every spacing multiple from `lower` to `upper` (multiples of it). */
export function bitmapWordsOf(window: { lower: number; upper: number; tickSpacing: number }): number[] {
  const first = (window.lower / window.tickSpacing) >> 8;
  const last = (window.upper / window.tickSpacing) >> 8;
  const words: number[] = [];
  for (let word = first; word <= last; word += 1) words.push(word);
  return words;
}

/**
 * The initialized ticks, ascending, that the words (answers of tickBitmap(word) for each of `wordPositions`) mark
 * within `lower..upper`.
 */
export function initializedTicksInWords(
  wordPositions: readonly number[],
  words: readonly bigint[],
  window: { lower: number; upper: number; tickSpacing: number },
): number[] {
  const ticks: number[] = [];
  wordPositions.forEach((position, i) => {
    let bits = words[i]!;
    for (let bit = 0; bits !== 0n; bit += 1, bits >>= 1n) {
      if ((bits & 1n) === 0n) continue;
      const tick = (position * 256 + bit) * window.tickSpacing;
      if (window.lower <= tick && tick <= window.upper) ticks.push(tick);
    }
  });
  return ticks;
}
