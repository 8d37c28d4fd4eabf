import { describe, expect, it } from 'vitest';
import { Reservoir } from '../src/runs';

function fill(capacity: number, n: number, seed: number): number[] {
  const reservoir = new Reservoir<number>(capacity, seed);
  for (let i = 0; i < n; i++) reservoir.add(i);
  return reservoir.items();
}

describe('Reservoir', () => {
  it('keeps everything while under capacity, and with capacity 0', () => {
    expect(fill(10, 7, 1)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(fill(0, 500, 1)).toHaveLength(500);
  });

  it('is bounded, always keeps the newest item, and keeps items in order', () => {
    for (let seed = 0; seed < 50; seed++) {
      const items = fill(8, 300, seed);
      expect(items).toHaveLength(8);
      expect(items.at(-1)).toBe(299);
      expect([...items].sort((a, b) => a - b)).toEqual(items);
    }
  });

  it('counts what it saw', () => {
    const reservoir = new Reservoir<number>(4, 3);
    for (let i = 0; i < 42; i++) reservoir.add(i);
    expect(reservoir.seen).toBe(42);
  });

  it('is deterministic per seed', () => {
    expect(fill(10, 1000, 7)).toEqual(fill(10, 1000, 7));
    expect(fill(10, 1000, 7)).not.toEqual(fill(10, 1000, 8));
  });

  it('continues identically from a saved state', () => {
    const whole = new Reservoir<number>(5, 11);
    const first = new Reservoir<number>(5, 11);
    for (let i = 0; i < 60; i++) {
      whole.add(i);
      first.add(i);
    }
    const resumed = Reservoir.fromState(JSON.parse(JSON.stringify(first.state())));
    for (let i = 60; i < 200; i++) {
      whole.add(i);
      resumed.add(i);
    }
    expect(resumed.items()).toEqual(whole.items());
    expect(resumed.seen).toBe(whole.seen);
  });

  it('keeps each older item with the frequency of a uniform sample', () => {
    // After n items with capacity k: the newest always, the first k-1 items
    // with probability k/n, every other item with probability (k-1)/n
    // (TensorBoard's reservoir.py replaces the newest slot when it does not sample).
    const k = 10;
    const n = 100;
    const trials = 6000;
    const counts = new Array<number>(n).fill(0);
    for (let trial = 0; trial < trials; trial++) for (const item of fill(k, n, 1000 + trial)) counts[item]++;

    expect(counts[n - 1]).toBe(trials);
    let chiSquare = 0;
    for (let item = 0; item < n - 1; item++) {
      const expected = trials * (item < k - 1 ? k / n : (k - 1) / n);
      const sd = Math.sqrt(expected * (1 - expected / trials));
      // 4.5 standard deviations per item: loose alone, the chi-square below is the sharp check
      expect(Math.abs(counts[item] - expected), `item ${item}`).toBeLessThan(4.5 * sd);
      chiSquare += (counts[item] - expected) ** 2 / expected;
    }
    // n-1 cells: chi-square has mean ~n-2 and sd ~sqrt(2(n-2)); a biased sampler lands far above
    expect(chiSquare).toBeLessThan(n - 2 + 5 * Math.sqrt(2 * (n - 2)));
  });
});
