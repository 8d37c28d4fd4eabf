import type { PlotArea } from './render';
import { drawnSeeds, seedBand } from './seed-bands';
import { smooth } from './smooth';
import { hasSeeds, isFiniteValue, type LineSeries } from './types';

/** What figure.client.ts needs to show each line's value at a step; figure.ts ships the same steps (sampledSteps) as LineFigureData, fetched by the page on first use. */
export interface HoverData {
  /** Logged steps the pointer snaps to, a sample of all runs' steps. */
  steps: number[];
  /** values[i] is the drawn line's value at steps[i], null outside the run or where it was not finite. */
  series: { label: string; color: string; values: (number | null)[]; ranges?: ([number, number] | null)[] }[];
}
// A series with several seeds has values = the mean over seeds and ranges = their [min, max] at each step.

/** Values per figure, at most; many runs get fewer sampled steps each. */
const HOVER_VALUES = 1500;

/**
 * Samples about one step per 2 pixels of plot width (fewer for many runs), so
 * the data stays a few KB however long and many the runs are. A run that did not log a sampled step
 * shows its latest value before it, as a reader of the line would.
 */
export function hoverData(series: LineSeries[], smoothWeight: number, plot: Pick<PlotArea, 'width'>): HoverData {
  const { steps } = sampledSteps(series, plot);

  return {
    steps,
    series: series.map((s) => {
      const { label, color, points } = s;
      if (hasSeeds(s)) {
        const band = seedBand(drawnSeeds(s, smoothWeight));
        const at = latestAt(band, steps);
        const values = at.map((i) => (i < 0 ? null : round(band[i].mean)));
        const ranges = at.map((i): [number, number] | null => {
          const min = i < 0 ? null : round(band[i].min);
          const max = i < 0 ? null : round(band[i].max);
          return min === null || max === null ? null : [min, max];
        });
        return { label, color, values, ranges };
      }
      const drawn = smoothWeight > 0 ? smooth(points, smoothWeight) : points;
      return { label, color, values: latestAt(drawn, steps).map((i) => (i < 0 ? null : round(drawn[i].value))) };
    }),
  };
}

/**
 * For each sampled step, the mean of the finite values (valueOf) of the points
 * nearer to it than to its neighbours (those between the midpoints); null
 * where no point falls (outside the run, or a gap). What the client smooths
 * and redraws: a mean keeps every logged value's weight, a sample would not.
 */
export function binMeans<P extends { step: number }>(points: readonly P[], steps: number[], valueOf: (point: P) => number | null): (number | null)[] {
  let at = 0;
  return steps.map((step, k) => {
    const hi = k + 1 < steps.length ? (step + steps[k + 1]) / 2 : Infinity;
    let sum = 0;
    let count = 0;
    for (; at < points.length && points[at].step <= hi; at++) {
      const value = valueOf(points[at]);
      if (isFiniteValue(value)) {
        sum += value;
        count++;
      }
    }
    return count > 0 ? round(sum / count) : null;
  });
}

/** The steps hover snaps to (see hoverData), and how many distinct steps the series logged. */
export function sampledSteps(series: LineSeries[], plot: Pick<PlotArea, 'width'>): { steps: number[]; logged: number } {
  const allSteps = sortedSteps(series);
  const samples = Math.max(20, Math.min(Math.round(plot.width / 2), Math.floor(HOVER_VALUES / series.length)));
  const steps =
    allSteps.length <= samples
      ? allSteps
      : [...new Set(Array.from({ length: samples }, (_, k) => allSteps[Math.round((k * (allSteps.length - 1)) / (samples - 1))]))];
  return { steps, logged: allSteps.length };
}

/** For each step, the index of the latest point at or before it; -1 before the first point or after the last. */
function latestAt(points: { step: number }[], steps: number[]): number[] {
  let at = -1;
  return steps.map((step) => {
    while (at + 1 < points.length && points[at + 1].step <= step) at++;
    return at < 0 || step > points[points.length - 1].step ? -1 : at;
  });
}

function round(value: number | null): number | null {
  return isFiniteValue(value) ? Number(value.toPrecision(4)) : null;
}

/**
 * Every step any series logged, ascending, once each. One series in step
 * order (as runs log) needs no sort; others sort as a typed array, with no
 * comparator call per pair (run pages draw 500 figures of 20k steps).
 */
function sortedSteps(series: LineSeries[]): number[] {
  const lines = series.flatMap((s) => (hasSeeds(s) ? s.seeds : [s.points]));
  const steps = new Float64Array(lines.reduce((sum, points) => sum + points.length, 0));
  let at = 0;
  let ascending = true;
  for (const points of lines) {
    for (const { step } of points) {
      if (at > 0 && step < steps[at - 1]) ascending = false;
      steps[at++] = step;
    }
  }
  if (!ascending) steps.sort();
  const unique: number[] = [];
  for (const step of steps) if (unique.length === 0 || step !== unique[unique.length - 1]) unique.push(step);
  return unique;
}
