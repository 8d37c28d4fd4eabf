// A value's seeds summarised: its runs differ only in their seed, so the
// mean over seeds is the value's result and the min–max over seeds is how
// far chance alone moves it. Works on numbers and series the caller has
// already reduced per seed (smoothed, or a run's final mean), so smoothing
// applies to each seed before the mean, as W&B's grouped runs do.
import { smooth } from './smooth';
import { hasSeeds, isFiniteValue, type LineSeries, type MetricPoint } from './types';

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

/** A band's point: the mean over the seeds that logged this step, and their range. */
export interface BandPoint {
  step: number;
  mean: number | null;
  min: number | null;
  max: number | null;
}

/**
 * The mean line and min–max band of a value's seeds, step by step. Each step
 * counts the seeds that logged it with a finite value, so a seed still
 * training narrows the band only where it has not got to yet; a step no
 * seed has a finite value for is a gap.
 */
export function seedBand(seeds: readonly MetricPoint[][]): BandPoint[] {
  const byStep = new Map<number, (number | null)[]>();
  for (const points of seeds) {
    for (const { step, value } of points) {
      const values = byStep.get(step);
      if (values) values.push(value);
      else byStep.set(step, [value]);
    }
  }
  return [...byStep.entries()]
    .sort(([a], [b]) => a - b)
    .map(([step, values]) => {
      const spread = acrossSeeds(values);
      return spread ? { step, mean: spread.mean, min: spread.min, max: spread.max } : { step, mean: null, min: null, max: null };
    });
}

/** The seeds of a series as drawn: each smoothed first (weight 0: as logged), so the mean is of smoothed lines. */
export function drawnSeeds(series: LineSeries, weight: number): MetricPoint[][] {
  const seeds = hasSeeds(series) ? series.seeds : [series.points];
  return weight > 0 ? seeds.map((points) => smooth(points, weight)) : seeds;
}
