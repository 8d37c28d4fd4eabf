// ::parallel{sweep="kl-penalty-by-lr" metrics="raw_reward,kl" params="lr,beta" caption="..."}
// Parallel coordinates of a sweep of several params: an axis per param (the
// sweep's varied ones, or `params` in its order), then one per metric, and
// each point one line across them in its color, so which params lead where
// reads off one figure. A metric's value is the point's final (the mean of
// the last 10% of steps, as ::final and :value give it; with several seeds,
// the mean of its seeds' finals). A point with no final of every metric yet
// is left out, and the caption says so.
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import { meanOfLast10Pct } from '../charts';
import { renderParallelFigureWithSpec } from '../charts/figure';
import { metricInfo, metricName } from '../charts/metrics';
import { isComplete, type ParallelAxis, type ParallelPoint } from '../charts/parallel';
import { acrossSeeds } from '../charts/seed-bands';
import { figureCacheDir } from '../site/dirs';
import { writeFigureData, writeFigureFiles } from '../site/figure-files';
import { metricsOf, metricsOfRuns, seriesOf } from '../site/run-data';
import { runsByValue, type ValueRuns } from '../site/sweep-runs';
import { directiveError } from './directive-error';
import { findDirectives, listAttribute, noMetricsYet, noRunsYet, parseAttributes, replaceDirectives, sweepOf, type DirectiveOptions } from './directives';
import { andList, captionedFigure, joinSentences, missingNote, rampLegend } from './figure-html';
import { figureLabel } from './remark-figure-refs';

const attributes = {
  sweep: z.string().min(1),
  metrics: listAttribute('metric'),
  params: listAttribute('param').optional(),
  caption: z.string().optional(),
  /** `{#fig-params}`: the figure's id, for :ref{#fig-params} (remark-figure-refs). */
  id: z.string().optional(),
};

export default function remarkParallel(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    const matches = findDirectives(tree, 'parallel');
    const ids = new Map(matches.map((match, index) => [match.node, `parallel-${index + 1}`]));
    await replaceDirectives(file, matches, async ({ node }) => {
      const { sweep: sweepId, metrics, params: chosen, caption } = parseAttributes(attributes, node, file);
      const { sweep, runs, missing, listedOnly } = sweepOf(options, sweepId, node, file);
      const params = chosen ?? sweep.varied;
      for (const param of params) {
        if (!sweep.varied.includes(param)) throw directiveError(file, node, 'parallel', `unknown param "${param}" in sweep "${sweep.id}" (it varies: ${sweep.varied.join(', ')})`);
      }
      const known = metricsOfRuns(runs.map(({ run }) => run));
      // Runs that logged nothing yet (pretraining) make no metric unknown.
      for (const metric of metrics) {
        if (known.length > 0 && !known.includes(metric)) throw directiveError(file, node, 'parallel', `unknown metric "${metric}" in sweep "${sweep.id}" (known: ${known.join(', ')})`);
      }
      if (runs.length === 0) return [noRunsYet(sweep.id, listedOnly)];
      if (known.length === 0) return [noMetricsYet(sweep.id)];

      const axes: ParallelAxis[] = [...params.map((name) => ({ name })), ...metrics.map((metric) => ({ ...metricInfo(metric), metric: true }))];
      const groups = runsByValue(runs);
      const finals = groups.map(({ runs: seedRuns }) => metrics.map((metric) => acrossSeeds(seedRuns.map(({ run }) => meanOfLast10Pct(seriesOf(metricsOf(run), metric))))));
      // the points of one colored value share its color: the legend names the value (a sweep of values: names each by its label)
      const legendOf = (group: ValueRuns) => (sweep.search === 'values' ? group.label : `${sweep.vary}=${group.value}`);
      const points: ParallelPoint[] = groups.map((group, g) => ({
        label: group.label,
        color: group.themed,
        legend: legendOf(group),
        values: [...params.map((param) => group.params[param] ?? null), ...finals[g].map((spread) => spread?.mean ?? null)],
      }));
      const ranges = finals.map((spreads) => [...params.map(() => null), ...spreads.map((s): [number, number] | null => (s && s.seeds > 1 ? [s.min, s.max] : null))]);
      if (!points.some(isComplete)) throw directiveError(file, node, 'parallel', `no point of sweep "${sweep.id}" has a final value of ${andList(metrics.map((m) => `"${m}"`))} yet`);

      const { html: chart, spec } = await renderParallelFigureWithSpec({ axes, points, ranges, idPrefix: ids.get(node)!, cacheDir: figureCacheDir(), dataFile: writeFigureData });
      const seeds = Math.max(...groups.map((group) => group.runs.length));
      const leftOut = points.filter((point) => !isComplete(point)).map((point) => point.label);
      const text = joinSentences(
        caption ?? `${andList(metrics.map(metricName))} by ${andList(params)}.`,
        // its own full stop: joinSentences takes one ending in ")" for ended
        `Each line is a point of the sweep: its ${andList(params)}, then where each metric ended (the mean of its last 10% of steps${seeds > 1 ? `, over the point's seeds` : ''}).`,
        missingNote(missing),
        leftOut.length ? `Left out, with no final value of every metric yet: ${andList(leftOut)}.` : undefined,
      )!;
      const legend = [...new Map(groups.map((group) => [legendOf(group), { label: legendOf(group), themed: group.themed }])).values()];
      const label = figureLabel(node);
      return [{ type: 'html', value: captionedFigure('parallel-figure', metrics[0], chart + rampLegend(legend).toString(), text, label && { ...label, files: writeFigureFiles(spec) }).value }];
    });
  };
}
