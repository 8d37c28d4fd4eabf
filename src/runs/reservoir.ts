import { SeededRandom } from '../random';

export interface ReservoirState<T> {
  capacity: number;
  seen: number;
  rng: number;
  items: T[];
}

/**
 * A bounded sample of a stream with TensorBoard's semantics (its reservoir.py):
 * the newest item is always kept, the older kept items are a uniform sample of
 * what was seen, and capacity 0 keeps everything. Deterministic for a seed.
 *
 * After n items with capacity k < n, the newest is kept with probability 1,
 * each of the first k-1 items with probability k/n, and every other item with
 * probability (k-1)/n — tests/reservoir.test.ts checks these frequencies.
 */
export class Reservoir<T> {
  private kept: T[] = [];
  private rng: SeededRandom;
  seen = 0;

  constructor(
    readonly capacity: number,
    seed: number,
  ) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new Error(`reservoir capacity must be a non-negative integer, got ${capacity}`);
    this.rng = new SeededRandom(seed);
  }

  add(item: T): void {
    if (this.capacity === 0 || this.kept.length < this.capacity) {
      this.kept.push(item);
    } else {
      const r = this.rng.int(0, this.seen);
      if (r < this.capacity) {
        this.kept.splice(r, 1);
        this.kept.push(item);
      } else {
        this.kept[this.kept.length - 1] = item;
      }
    }
    this.seen += 1;
  }

  /** The kept items, oldest first. */
  items(): T[] {
    return [...this.kept];
  }

  state(): ReservoirState<T> {
    return { capacity: this.capacity, seen: this.seen, rng: this.rng.state, items: this.items() };
  }

  static fromState<T>(state: ReservoirState<T>): Reservoir<T> {
    const reservoir = new Reservoir<T>(state.capacity, 0);
    reservoir.rng = new SeededRandom(state.rng);
    reservoir.seen = state.seen;
    reservoir.kept = [...state.items];
    return reservoir;
  }
}
