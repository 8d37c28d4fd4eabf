// The numbers of one run's series (src/charts/final.ts), on small series
// whose answers are worked out by hand here, so a reader can check the
// definitions docs/directives.md gives ("Final, change and noise").
import { describe, expect, test } from 'vitest';
import { changeNoiseOf, changeOf, changeWithinNoise, lastLoggedValue, meanOfLast10Pct, statOf } from '../src/charts/final';
import type { Series } from '../src/charts/types';

const series = (points: [step: number, value: number][]): Series => ({
  steps: Float64Array.from(points, ([step]) => step),
  values: Float64Array.from(points, ([, value]) => value),
});

// Steps 0 to 100. The end window is steps >= 100 - 0.1 * 100 = 90; the run as
// it stood at 80% of its steps ends at step 80, so the before window is steps
// >= 80 - 0.1 * 80 = 72. Step 85 is in neither. Five values in each window:
// batches of one value.
const BEFORE: [number, number][] = [[72, 9], [74, 11], [76, 10], [78, 12], [80, 8]]; // mean 10
const END: [number, number][] = [[92, 11], [94, 12], [96, 10], [98, 13], [100, 9]]; // mean 11, last value 9
const run = series([[0, 5], [50, 1], ...BEFORE, [85, 20], ...END]);

describe('the stats of one run', () => {
  test('final is the mean of the last 10% of steps, not the last value', () => {
    expect(meanOfLast10Pct(run)).toBe(11);
    expect(statOf(run, { kind: 'final' })).toBe(11);
    expect(lastLoggedValue(run)).toBe(9);
  });

  test('first, max, min and step=N', () => {
    expect(statOf(run, { kind: 'first' })).toBe(5);
    expect(statOf(run, { kind: 'max' })).toBe(20);
    expect(statOf(run, { kind: 'min' })).toBe(1);
    expect(statOf(run, { kind: 'step', step: 85 })).toBe(20);
    expect(statOf(run, { kind: 'step', step: 51 })).toBeUndefined();
  });

  test('change: the end window mean against the before window mean, relative', () => {
    // (11 - 10) / 10
    expect(changeOf(run)).toBeCloseTo(0.1, 12);
    expect(statOf(run, { kind: 'change' })).toBeCloseTo(0.1, 12);
  });

  test('noise: twice the standard error of the difference, by batch means, over |before|', () => {
    // Before: deviations from 10 are -1, 1, 0, 2, -2: variance 10 / 4 = 2.5, SE² = 2.5 / 5 = 0.5.
    // End: deviations from 11 are 0, 1, -1, 2, -2: SE² = 0.5 too. SE of the difference = √(0.5 + 0.5) = 1.
    // Noise = 2 * 1 / |10| = 0.2: the change of 0.1 is within it.
    expect(changeNoiseOf(run)).toBeCloseTo(0.2, 12);
    expect(statOf(run, { kind: 'noise' })).toBeCloseTo(0.2, 12);
    expect(changeWithinNoise(run)).toBe(true);
  });

  test('a change beyond its noise floor', () => {
    // End values 10 higher: mean 21, the same spread. Change (21 - 10) / 10 = 1.1, noise still 0.2.
    const moving = series([[0, 5], [50, 1], ...BEFORE, [85, 20], ...END.map(([step, value]): [number, number] => [step, value + 10])]);
    expect(changeOf(moving)).toBeCloseTo(1.1, 12);
    expect(changeNoiseOf(moving)).toBeCloseTo(0.2, 12);
    expect(changeWithinNoise(moving)).toBe(false);
  });

  test('noise takes the means of batches, so neighbouring steps that cancel do not count as noise', () => {
    // Steps 0 to 200: end window steps >= 180 (191..200), before window steps >= 160 - 16 = 144 (151..160), ten values each: batches of two.
    const before = [11, 9, 11, 9, 11, 9, 11, 9, 11, 9]; // batch means all 10: SE 0 (single values would give SE² = (10/9) / 10)
    const end = [10, 12, 12, 14, 8, 10, 11, 13, 9, 11]; // batch means 11, 13, 9, 12, 10: deviations 0, 2, -2, 1, -1, SE² = (10/4) / 5 = 0.5
    const paired = series([[0, 3], ...before.map((value, i): [number, number] => [151 + i, value]), ...end.map((value, i): [number, number] => [191 + i, value])]);
    expect(changeOf(paired)).toBeCloseTo(0.1, 12);
    // 2 * √0.5 / 10
    expect(changeNoiseOf(paired)).toBeCloseTo(Math.SQRT2 / 10, 12);
  });

  test('batches of a window that does not split evenly: values ⌊k·m/5⌋ + 1 to ⌊(k+1)·m/5⌋', () => {
    // Seven values in the before window (steps 72..80): batches [9], [11], [12, 8], [12], [7, 9], whose means 9, 11, 10, 12, 8
    // have SE² = 0.5; the window's mean is 68 / 7. With END (SE² 0.5, mean 11): change (11 - 68/7) / (68/7) = 9/68, noise 2 * 1 / (68/7) = 7/34.
    const before: [number, number][] = [[72, 9], [73, 11], [74, 12], [75, 8], [76, 12], [78, 7], [80, 9]];
    const uneven = series([[0, 5], ...before, ...END]);
    expect(changeOf(uneven)).toBeCloseTo(9 / 68, 12);
    expect(changeNoiseOf(uneven)).toBeCloseTo(7 / 34, 12);
  });

  test('no noise floor when a window has fewer than 5 finite values; no change from a zero before', () => {
    // Steps 0..20: the end window is steps 18..20, three values.
    const short = series(Array.from({ length: 21 }, (_, step): [number, number] => [step, step]));
    expect(changeOf(short)).not.toBeNull();
    expect(changeNoiseOf(short)).toBeNull();
    expect(changeWithinNoise(short)).toBeNull();
    // Before window at 0: a relative change has nothing to be relative to.
    const fromZero = series([[0, 0], ...BEFORE.map(([step]): [number, number] => [step, 0]), ...END]);
    expect(changeOf(fromZero)).toBeNull();
    expect(changeNoiseOf(fromZero)).toBeNull();
  });
});
