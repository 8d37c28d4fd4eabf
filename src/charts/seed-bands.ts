// A value's seeds summarised: its runs differ only in their seed, so the
// mean over seeds is the value's result and the min–max over seeds is how
// far chance alone moves it. Works on numbers and series the caller has
// already reduced per seed (smoothed, or a run's final mean), so smoothing
// applies to each seed before the mean, as W&B's grouped runs do.
import { smooth } from './smooth';
import { hasSeeds, isFiniteValue, stepsOf, type LineSeries, type Series } from './types';

/** One number summarised over seeds: their mean, lowest and highest. */
export interface SeedSpread {
  mean: number;
  min: number;
  max: number;
  /** How many seeds had a finite number. */
  seeds: number;
}

/** The spread of one number per seed; non-finite ones are left out, and none finite gives null. */
export function acrossSeeds(values: readonly (number | null)[]): SeedSpread | null {
  const finite = values.filter(isFiniteValue);
  if (finite.length === 0) return null;
  return {
    mean: finite.reduce((a, b) => a + b, 0) / finite.length,
    min: Math.min(...finite),
    max: Math.max(...finite),
    seeds: finite.length,
  };
}

/**
 * A value's seeds step by step, as columns: at each step any seed logged, the
 * mean over the seeds that logged it with a finite value, and their range
 * (NaN where none did: a gap).
 */
export interface SeedBand {
  steps: Float64Array;
  mean: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/**
 * The mean line and min–max band of a value's seeds, step by step. Each step
 * counts the seeds that logged it with a finite value, so a seed still
 * training narrows the band only where it has not got to yet; a step no
 * seed has a finite value for is a gap.
 */
export function seedBand(seeds: readonly Series[]): SeedBand {
  const steps = stepsOf(seeds);
  const sum = new Float64Array(steps.length);
  const count = new Int32Array(steps.length);
  const min = new Float64Array(steps.length).fill(Infinity);
  const max = new Float64Array(steps.length).fill(-Infinity);
  for (const seed of seeds) {
    // each seed's steps ascend, so its k-th step is found walking forward
    for (let i = 0, k = 0; i < seed.steps.length; i++) {
      while (steps[k] < seed.steps[i]) k++;
      const value = seed.values[i];
      if (!Number.isFinite(value)) continue;
      sum[k] += value;
      count[k]++;
      if (value < min[k]) min[k] = value;
      if (value > max[k]) max[k] = value;
    }
  }
  const mean = sum.map((total, k) => (count[k] > 0 ? total / count[k] : NaN));
  for (let k = 0; k < steps.length; k++) if (count[k] === 0) min[k] = max[k] = NaN;
  return { steps, mean, min, max };
}

/** The seeds of a series as drawn: each smoothed first (weight 0: as logged), so the mean is of smoothed lines. */
export function drawnSeeds(series: LineSeries, weight: number): Series[] {
  const seeds = hasSeeds(series) ? series.seeds : [series.logged];
  return weight > 0 ? seeds.map((seed) => smooth(seed, weight)) : seeds;
}
