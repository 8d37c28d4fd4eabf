// Where a line figure's hover snaps to, and the values it shows there (fetched by the page on first use: see figure.ts).
import type { PlotArea } from './render';
import { hasSeeds, isFiniteValue, stepsOf, type LineSeries } from './types';

/** Values per figure, at most; many runs get fewer sampled steps each. */
const HOVER_VALUES = 1500;

/**
 * For each sampled step, the mean of the finite values of the steps nearer to
 * it than to its neighbours (those between the midpoints); null where no
 * logged step falls (outside the run, or a gap). What the client smooths and
 * redraws: a mean keeps every logged value's weight, a sample would not.
 */
export function binMeans(steps: Float64Array, values: Float64Array, sampled: number[]): (number | null)[] {
  let at = 0;
  return sampled.map((step, k) => {
    const hi = k + 1 < sampled.length ? (step + sampled[k + 1]) / 2 : Infinity;
    let sum = 0;
    let count = 0;
    for (; at < steps.length && steps[at] <= hi; at++) {
      if (Number.isFinite(values[at])) {
        sum += values[at];
        count++;
      }
    }
    return count > 0 ? round(sum / count) : null;
  });
}

/**
 * The steps hover snaps to: about one step per 2 pixels of plot width (fewer
 * for many runs), so a figure's data stays a few KB however long and many
 * the runs are; and how many distinct steps the series logged.
 */
export function sampledSteps(series: LineSeries[], plot: Pick<PlotArea, 'width'>): { steps: number[]; logged: number } {
  const allSteps = stepsOf(series.flatMap((s) => (hasSeeds(s) ? s.seeds : [s.logged])));
  const samples = Math.max(20, Math.min(Math.round(plot.width / 2), Math.floor(HOVER_VALUES / series.length)));
  const steps =
    allSteps.length <= samples
      ? Array.from(allSteps)
      : [...new Set(Array.from({ length: samples }, (_, k) => allSteps[Math.round((k * (allSteps.length - 1)) / (samples - 1))]))];
  return { steps, logged: allSteps.length };
}

function round(value: number | null): number | null {
  return isFiniteValue(value) ? Number(value.toPrecision(4)) : null;
}
