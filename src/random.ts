// The project's one seeded PRNG (Math.random cannot be seeded): the corpus,
// weight init, sampling and the generations reservoir all draw from it, so a
// seed gives the same run on every machine.

/**
 * mulberry32: fast, good enough for data generation and sampling, and its
 * whole state is one 32-bit integer, so it checkpoints and resumes bit for bit.
 */
export class SeededRandom {
  constructor(public state: number) {
    this.state = state >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [lo, hi], both ends included (like Python's randint). */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('SeededRandom.pick: no items');
    return items[this.int(0, items.length - 1)];
  }
}

/** The generator as a plain function, for code that only needs uniform draws. */
export function mulberry32(seed: number): () => number {
  const random = new SeededRandom(seed);
  return () => random.next();
}
