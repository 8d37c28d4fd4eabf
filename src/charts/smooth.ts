import { isFiniteValue, type MetricPoint } from './types';

/**
 * TensorBoard's scalar smoothing: an exponential moving average started at 0
 * and debiased by dividing by 1 - weight^n, where n counts the finite values so
 * far. Non-finite values pass through untouched and do not advance n. A constant
 * series is returned as is, so rounding never makes a flat line wobble.
 */
export function smooth(points: MetricPoint[], weight: number): MetricPoint[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight must be in [0, 1), got ${weight}`);
  const isConstant = points.every((p) => p.value === points[0].value);
  let last = 0;
  let finiteCount = 0;
  return points.map(({ step, value }) => {
    if (isConstant || !isFiniteValue(value)) return { step, value };
    last = last * weight + (1 - weight) * value;
    finiteCount++;
    return { step, value: last / (1 - weight ** finiteCount) };
  });
}
