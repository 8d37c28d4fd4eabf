// How a sweep page and the index say what a grid or random search varies: its
// params, how many points, and the values of the params the colors do not show.
import type { ParamValue, Sweep } from '../runs';

/** Past this many values a param is described by its range, not listed. */
const MAX_LISTED_VALUES = 6;

/** "a grid of 6 points (3 × 2)", "a random search of 12 points", "6 values". */
export function describePoints(sweep: Sweep): string {
  const count = sweep.values.length.toLocaleString('en');
  if (sweep.search === 'values') return `${count} value${sweep.values.length === 1 ? '' : 's'}`;
  if (sweep.search === 'random') return `a random search of ${count} points`;
  if (sweep.search === 'points') return `${count} points`;
  return `a grid of ${count} points (${sweep.varied.map((name) => paramValues(sweep, name).length).join(' × ')})`;
}

/** The params the colors do not show, each with its values: "lr is 0.001 or 0.003", "warmup from 3 to 97 (12 values)". */
export function otherParams(sweep: Sweep): string {
  return sweep.varied
    .slice(1)
    .map((name) => {
      const values = paramValues(sweep, name);
      const numbers = values.filter((value): value is number => typeof value === 'number');
      if (values.length > MAX_LISTED_VALUES && numbers.length === values.length) return `${name} from ${Math.min(...numbers)} to ${Math.max(...numbers)} (${values.length} values)`;
      const shown = values.slice(0, MAX_LISTED_VALUES).map(String);
      const rest = values.length - shown.length;
      return `${name} is ${rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.length > 1 ? `${shown.slice(0, -1).join(', ')} or ${shown.at(-1)}` : shown[0]}`;
    })
    .join('; ');
}

/** A param's distinct values over the sweep's points: numbers in order, others as the points first give them. */
export function paramValues(sweep: Sweep, name: string): ParamValue[] {
  const values = [...new Map(sweep.values.map(({ params }) => [JSON.stringify(params[name]), params[name]])).values()];
  return values.every((value) => typeof value === 'number') ? (values as number[]).sort((a, b) => a - b) : values;
}
