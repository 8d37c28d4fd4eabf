// ::final{sweeps="kl-penalty-first,kl-penalty-second" metric="raw_reward" caption="..."}
// Where each value ended against the value its sweep varied: one point per
// value in its color, one connected series per sweep, so a trade-off across
// several sweeps reads off one figure. "Ended" is the mean over the last 10%
// of steps, which a single noisy last step would misstate. A value with
// several seeds is the mean of its seeds' ends, with a min–max bar and each
// seed's end small beside it.
//
// A sweep of several params (a grid, a random search) is drawn against one of
// them (x="lr"), one series per value of another (color="beta"): by default
// against its first uncolored param, a series per value of the colored one.
// A random search's points are not joined: between two of them other params
// change too.
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import { meanOfLast10Pct } from '../charts';
import { renderFinalMetricFigureWithSpec } from '../charts/figure';
import { metricTitle } from '../charts/metrics';
import { acrossSeeds } from '../charts/seed-bands';
import { figureCacheDir } from '../site/dirs';
import { writeFigureData, writeFigureFiles } from '../site/figure-files';
import { metricsOf, metricsOfRuns, seriesOf } from '../site/run-data';
import { runsByValue } from '../site/sweep-runs';
import { paramValues } from '../site/describe-points';
import { valueColors } from '../charts/palette';
import type { ThemedColor } from '../charts/contrast';
import { defaultColor, type Sweep } from '../runs';
import { directiveError } from './directive-error';
import { findDirectives, parseAttributes, replaceDirectives, sweepListAttribute, sweepOf, type DirectiveOptions } from './directives';
import { captionedFigure, joinSentences, missingAcross, missingNote } from './figure-html';
import { figureLabel } from './remark-figure-refs';

const attributes = {
  sweeps: sweepListAttribute,
  metric: z.string().min(1),
  /** The param on the x axis: by default a sweep's `vary`, or a grid's or random search's first uncolored param. */
  x: z.string().min(1).optional(),
  /** A param whose every value is a series in its own color: by default a grid's or random search's colored one. */
  color: z.string().min(1).optional(),
  caption: z.string().optional(),
  /** `{#fig-end}`: the figure's id, for :ref{#fig-end} (remark-figure-refs). */
  id: z.string().optional(),
};

export default function remarkFinal(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    const matches = findDirectives(tree, 'final');
    const ids = new Map(matches.map((match, index) => [match.node, `final-${index + 1}`]));
    await replaceDirectives(file, matches, async ({ node }) => {
      const { sweeps: sweepList, metric, x: xAsked, color: colorAsked, caption } = parseAttributes(attributes, node, file);
      const sweeps = sweepList.map((id) => sweepOf(options, id, node, file));
      const fail = (message: string) => directiveError(file, node, 'final', message);
      const axes = sweeps.map(({ sweep }) => finalAxes(sweep, xAsked, colorAsked, fail));
      const varied = [...new Set(axes.map(({ x }) => x))];
      if (varied.length > 1) throw fail(`the sweeps vary different fields (${varied.join(', ')}): give x="..." one they all vary`);

      const series = sweeps.flatMap(({ sweep, runs }, s) => {
        const known = metricsOfRuns(runs.map(({ run }) => run));
        // Runs that logged nothing yet (pretraining) make no metric unknown.
        if (known.length > 0 && !known.includes(metric)) throw fail(`unknown metric "${metric}" in sweep "${sweep.id}" (known: ${known.join(', ')})`);
        const { x, by } = axes[s];
        const byColors = by && by !== sweep.vary ? paramColors(sweep, by) : undefined;
        const points = runsByValue(runs).map(({ params, label, themed, runs: seedRuns }) => {
          const at = params[x];
          if (typeof at !== 'number') throw fail(`sweep "${sweep.id}" varies ${x} over non-numbers: give x="..." a param of numbers`);
          const ends = seedRuns.map(({ run }) => meanOfLast10Pct(seriesOf(metricsOf(run), metric)));
          const color = byColors?.get(JSON.stringify(params[by!])) ?? themed;
          return { group: by === undefined ? undefined : params[by], label, color, x: at, value: acrossSeeds(ends)?.mean ?? null, ...(ends.length > 1 ? { seeds: ends } : {}) };
        });
        if (by === undefined) return [{ name: sweep.title, runs: points }];
        const order = paramValues(sweep, by).map((value) => JSON.stringify(value));
        const groups = [...Map.groupBy(points, (point) => JSON.stringify(point.group))].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b));
        return groups.map(([, group]) => ({
          name: `${sweeps.length > 1 ? `${sweep.title}: ` : ''}${by}=${group[0].group}`,
          runs: group,
          // points of a random search differ in other params too, and two at one x would zigzag
          joined: sweep.search !== 'random' && new Set(group.map((point) => point.x)).size === group.length,
        }));
      });
      const counts = sweeps.flatMap(({ runs }) => runsByValue(runs).map((group) => group.runs.length));
      const { html: chart, spec } = await renderFinalMetricFigureWithSpec({
        sweeps: series,
        xTitle: varied[0],
        yTitle: metricTitle(metric),
        idPrefix: ids.get(node)!,
        cacheDir: figureCacheDir(),
        dataFile: writeFigureData,
      });
      // The y title names the metric; what "final" means is said here, where there is room for it.
      const text = joinSentences(caption, `Each point is the mean of the last 10% of a run's steps.`, finalSeedsNote(counts), missingNote(missingAcross(sweeps)))!;
      const label = figureLabel(node);
      return [{ type: 'html', value: captionedFigure('final-figure', metric, chart, text, label && { ...label, files: writeFigureFiles(spec) }).value }];
    });
  };
}

/** The param a sweep's points are drawn against, and the one (if any) whose values are its series. */
function finalAxes(sweep: Sweep, xAsked: string | undefined, colorAsked: string | undefined, fail: (message: string) => Error): { x: string; by?: string } {
  for (const asked of [xAsked, colorAsked]) {
    if (asked !== undefined && !sweep.varied.includes(asked)) throw fail(`sweep "${sweep.id}" does not vary ${asked} (it varies ${sweep.varied.join(', ')})`);
  }
  const x = xAsked ?? (sweep.varied.find((name) => name !== (colorAsked ?? sweep.vary)) ?? sweep.vary);
  const by = colorAsked ?? (sweep.varied.length > 1 ? sweep.varied.find((name) => name !== x) : undefined);
  if (by === x) throw fail(`x and color are both ${x}: color the points by another param`);
  return by === undefined ? { x } : { x, by };
}

/** Colors for the values of a param the sweep's own colors do not follow: the default colors, in the values' order, resolved together. */
function paramColors(sweep: Sweep, name: string): Map<string, ThemedColor> {
  const values = paramValues(sweep, name);
  const colors = valueColors(values.map((_, index) => defaultColor(index)));
  return new Map(values.map((value, index) => [JSON.stringify(value), colors[index]]));
}

/** What the figure draws for values with several seeds, for its caption; nothing when each value has one. */
function finalSeedsNote(counts: number[]): string | undefined {
  const most = Math.max(0, ...counts);
  if (most <= 1) return undefined;
  const least = Math.min(...counts);
  const per = least === most ? `${most} seeds` : `${least} to ${most} seeds`;
  return `Each large point is the mean over its value's ${per}, its bar their lowest to highest value, the small points the seeds.`;
}
