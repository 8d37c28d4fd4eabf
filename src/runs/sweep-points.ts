// The points a sweep file names, each trained once per seed: the values of
// one param (`vary:` + `values:`), every combination of several params'
// lists (`grid:`), a seeded random search (`random:`), or the points listed
// (`points:`, which an import of someone's search writes). A point's params
// are what its runs are told apart by; its color follows one param (`vary`,
// a grid's or random search's `color_by:`), the others are in its label.
import { SeededRandom } from '../random';
import { SweepFileError } from './errors';
import type { Distribution, ParamValue, Sweep, SweepFile, SweepPoint } from './schema';

/**
 * Colors for a sweep file that names none, and for `npm run new-sweep`: CSS
 * names, so the file stays readable, each of 3:1 against the light and the
 * dark page as written, and all 8 apart by the figures' rule (charts/palette.ts)
 * in both themes: ΔE00 15 or more in normal vision, 8 or more with
 * protanopia, deuteranopia or tritanopia, so no value's color moves. Chosen
 * greedily among the CSS colors of 3:1 on both pages, most distinct first. A
 * ninth value cycles back to the first color, which the figures then move.
 */
export const DEFAULT_COLORS = ['dodgerblue', 'orangered', 'seagreen', 'mediumvioletred', 'olivedrab', 'slateblue', 'sienna', 'dimgray'];

/** The color of the i-th value when a sweep file names none. */
export function defaultColor(index: number): string {
  return DEFAULT_COLORS[index % DEFAULT_COLORS.length];
}

/**
 * Past this a sweep is a typo more often than a plan (5 params of 20 values
 * each are 3.2 million points), and its pages would not be readable anyway.
 */
export const MAX_POINTS = 10_000;

/** Random draws are rounded to this many significant digits: labels stay readable, and a point's config is what its label says. */
const DRAW_DIGITS = 3;

/** Where a field is in the sweep file, for errors. */
type LineOf = (...path: (string | number)[]) => number | undefined;

/** A sweep file's points, checked: one way of giving them, distinct points, distinct labels. */
export function sweepPoints(file: string, sweep: SweepFile, at: LineOf): Pick<Sweep, 'search' | 'vary' | 'varied' | 'values'> {
  const fail: Fail = (message, ...path) => new SweepFileError(file, message, at(...path), path.join('.'));
  const given = (['values', 'grid', 'random', 'points'] as const).filter((key) => sweep[key] !== undefined);
  if (given.length === 0) throw fail('name the points to train: vary: and values: for one param, or grid:, random: or points: for several', sweep.vary === undefined ? 'title' : 'vary');
  if (given.length > 1) throw fail(`give one of values:, grid:, random: and points:, not ${given.map((key) => `${key}:`).join(' and ')}`, given[1]);
  if (given[0] !== 'values') {
    if (sweep.vary !== undefined) throw fail(`vary: goes with values:; the params of ${given[0]}: are its keys (color_by: chooses the one colors follow)`, 'vary');
    if (given[0] === 'grid') return gridPoints(sweep.grid!, sweep.color_by, fail);
    return given[0] === 'random' ? randomPoints(sweep.random!, sweep.color_by, fail) : listedPoints(sweep.points!, sweep.color_by, fail);
  }
  if (sweep.vary === undefined) throw fail('values: needs vary:, the config key they are values of', 'vary');
  if (sweep.color_by !== undefined) throw fail('color_by: goes with grid: or random:; the colors of values: are theirs', 'color_by');
  // Varying it would give every seed of seeds: the same runs, and record each as the seeds: one.
  if (sweep.vary === 'seed') throw fail('vary the seed with seeds: [...], not vary: seed', 'vary');
  return valuePoints(file, sweep.vary, sweep.values!, fail, at);
}

type Fail = (message: string, ...path: (string | number)[]) => SweepFileError;

function valuePoints(file: string, vary: string, values: NonNullable<SweepFile['values']>, fail: Fail, at: LineOf): Pick<Sweep, 'search' | 'vary' | 'varied' | 'values'> {
  const seen = new Set<string>();
  values.forEach((entry, index) => {
    const key = JSON.stringify(entry.value);
    if (seen.has(key)) throw fail(`value ${key} appears twice`, 'values', index, 'value');
    seen.add(key);
  });
  // Labels name the runs in legends and tables: two alike could not be told apart.
  const labels = new Set<string>();
  values.forEach((entry, index) => {
    const label = entry.label ?? `${vary}=${entry.value}`;
    if (labels.has(label)) throw new SweepFileError(file, `label "${label}" appears twice`, at('values', index, entry.label === undefined ? 'value' : 'label'), `values.${index}.label`);
    labels.add(label);
  });
  return {
    search: 'values',
    vary,
    varied: [vary],
    values: values.map((entry, index) => ({
      value: entry.value,
      params: { [vary]: entry.value },
      label: entry.label ?? `${vary}=${entry.value}`,
      color: entry.color ?? defaultColor(index),
    })),
  };
}

function gridPoints(grid: Record<string, ParamValue[]>, colorBy: string | undefined, fail: Fail): Pick<Sweep, 'search' | 'vary' | 'varied' | 'values'> {
  const varied = paramOrder(Object.keys(grid), colorBy, fail, 'grid');
  for (const name of varied) {
    checkParamName(name, fail, 'grid', name);
    const seen = new Set<string>();
    grid[name].forEach((value, index) => {
      const key = JSON.stringify(value);
      if (seen.has(key)) throw fail(`${name}'s value ${key} appears twice`, 'grid', name, index);
      seen.add(key);
    });
  }
  const count = varied.reduce((product, name) => product * grid[name].length, 1);
  if (count > MAX_POINTS) throw fail(`a grid of ${count.toLocaleString('en')} points (${varied.map((name) => grid[name].length).join(' × ')}): at most ${MAX_POINTS.toLocaleString('en')}`, 'grid');
  // The colored param outermost, so the points of one color come together in tables and legends.
  let combinations: Record<string, ParamValue>[] = [{}];
  for (const name of varied) combinations = combinations.flatMap((params) => grid[name].map((value) => ({ ...params, [name]: value })));
  return { search: 'grid', vary: varied[0], varied, values: points(combinations, varied, grid[varied[0]]) };
}

function randomPoints(random: NonNullable<SweepFile['random']>, colorBy: string | undefined, fail: Fail): Pick<Sweep, 'search' | 'vary' | 'varied' | 'values'> {
  const names = Object.keys(random.params);
  const varied = paramOrder(names, colorBy, fail, 'random', 'params');
  for (const name of names) {
    checkParamName(name, fail, 'random', 'params', name);
    const problem = distributionProblem(random.params[name]);
    if (problem) throw fail(`${name}: ${problem}`, 'random', 'params', name);
  }
  if (random.draws > MAX_POINTS) throw fail(`at most ${MAX_POINTS.toLocaleString('en')} draws`, 'random', 'draws');
  // Params drawn in the file's order, draw by draw, so a seed names the same points on every machine;
  // a draw that repeats an earlier point is drawn again (rounding, or a choice of few values).
  const rng = new SeededRandom(random.seed);
  const drawn = new Map<string, Record<string, ParamValue>>();
  for (let attempt = 0; drawn.size < random.draws && attempt < random.draws * 100; attempt++) {
    const params = Object.fromEntries(names.map((name) => [name, draw(random.params[name], rng)]));
    drawn.set(JSON.stringify(varied.map((name) => params[name])), params);
  }
  if (drawn.size < random.draws) throw fail(`only ${drawn.size} distinct points can be drawn from these distributions, not ${random.draws}`, 'random', 'draws');
  // Sorted by param, colored one first, so tables and legends read in order; the colors follow the colored param's values in order.
  const combinations = [...drawn.values()].sort((a, b) => compareParams(a, b, varied));
  const colored = [...new Set(combinations.map((params) => params[varied[0]]))];
  return { search: 'random', vary: varied[0], varied, values: points(combinations, varied, colored) };
}

function listedPoints(listed: Record<string, ParamValue>[], colorBy: string | undefined, fail: Fail): Pick<Sweep, 'search' | 'vary' | 'varied' | 'values'> {
  const names = Object.keys(listed[0]);
  const varied = paramOrder(names, colorBy, fail, 'points', 0);
  for (const name of names) checkParamName(name, fail, 'points', 0, name);
  if (listed.length > MAX_POINTS) throw fail(`${listed.length.toLocaleString('en')} points: at most ${MAX_POINTS.toLocaleString('en')}`, 'points');
  const seen = new Set<string>();
  listed.forEach((params, index) => {
    const keys = Object.keys(params);
    if (keys.length !== names.length || !names.every((name) => name in params)) throw fail(`every point names the same params as the first (${names.join(', ')}), this one ${keys.join(', ')}`, 'points', index);
    const key = JSON.stringify(varied.map((name) => params[name]));
    if (seen.has(key)) throw fail(`this point is listed twice: ${varied.map((name) => `${name}=${params[name]}`).join(', ')}`, 'points', index);
    seen.add(key);
  });
  const colored = [...new Set(listed.map((params) => params[varied[0]]))];
  return { search: 'points', vary: varied[0], varied, values: points(listed, varied, colored) };
}

/** The params in the order labels name them: the colored one first, then the file's order. */
function paramOrder(names: string[], colorBy: string | undefined, fail: Fail, ...field: (string | number)[]): string[] {
  if (names.length === 0) throw fail('names no param to vary', ...field);
  if (colorBy === undefined) return names;
  if (!names.includes(colorBy)) throw fail(`color_by: ${colorBy} is not one of the params (${names.join(', ')})`, 'color_by');
  return [colorBy, ...names.filter((name) => name !== colorBy)];
}

/** Points with their labels, and the colors of their colored param's value (its i-th of `colored` takes the i-th default color). */
function points(combinations: Record<string, ParamValue>[], varied: string[], colored: ParamValue[]): SweepPoint[] {
  return combinations.map((params) => ({
    value: params[varied[0]],
    params,
    label: varied.map((name) => `${name}=${params[name]}`).join(', '),
    color: defaultColor(colored.indexOf(params[varied[0]])),
  }));
}

function checkParamName(name: string, fail: Fail, ...field: (string | number)[]): void {
  // Varying it would give every seed of seeds: the same runs, and record each as the seeds: one.
  if (name === 'seed') throw fail('vary the seed with seeds: [...], not as a param', ...field);
}

function distributionProblem(distribution: Distribution): string | undefined {
  if ('choice' in distribution) {
    const seen = new Set(distribution.choice.map((value) => JSON.stringify(value)));
    return seen.size === distribution.choice.length ? undefined : 'choice: lists a value twice';
  }
  // Every other distribution is one key (the schema's strict objects) and its [low, high].
  const [kind, [low, high]] = Object.entries(distribution)[0] as [string, [number, number]];
  return low < high ? undefined : `${kind}: [low, high] needs low below high`;
}

function draw(distribution: Distribution, rng: SeededRandom): ParamValue {
  if ('choice' in distribution) return rng.pick(distribution.choice);
  const at = rng.next();
  if ('int_uniform' in distribution) {
    const [low, high] = distribution.int_uniform;
    return low + Math.floor(at * (high - low + 1));
  }
  if ('int_log_uniform' in distribution) {
    // Each whole number takes the stretch of log scale that rounds to it, so the ends are as likely as their neighbours' halves.
    const [low, high] = distribution.int_log_uniform.map((bound, i) => Math.log(bound + (i === 0 ? -0.5 : 0.5)));
    const [min, max] = distribution.int_log_uniform;
    return Math.min(max, Math.max(min, Math.round(Math.exp(low + at * (high - low)))));
  }
  const value =
    'uniform' in distribution
      ? distribution.uniform[0] + at * (distribution.uniform[1] - distribution.uniform[0])
      : Math.exp(Math.log(distribution.log_uniform[0]) + at * (Math.log(distribution.log_uniform[1]) - Math.log(distribution.log_uniform[0])));
  return Number(value.toPrecision(DRAW_DIGITS));
}

/** Numbers by size, then text and true/false by their text, param by param. */
function compareParams(a: Record<string, ParamValue>, b: Record<string, ParamValue>, names: string[]): number {
  for (const name of names) {
    const [x, y] = [a[name], b[name]];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}
