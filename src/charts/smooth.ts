import type { Series } from './types';

/**
 * TensorBoard's scalar smoothing: an exponential moving average started at 0
 * and debiased by dividing by 1 - weight^n, where n counts the finite values so
 * far. Non-finite values pass through untouched and do not advance n. A constant
 * series is returned as is, so rounding never makes a flat line wobble.
 */
export function smooth(series: Series, weight: number): Series {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  const { steps, values } = series;
  if (values.every((value) => value === values[0])) return series;
  const smoothed = new Float64Array(values.length);
  let last = 0;
  let finiteCount = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isFinite(value)) {
      smoothed[i] = value;
      continue;
    }
    last = last * weight + (1 - weight) * value;
    finiteCount++;
    smoothed[i] = last / (1 - weight ** finiteCount);
  }
  return { steps, values: smoothed };
}
