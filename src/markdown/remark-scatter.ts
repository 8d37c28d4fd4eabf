// ::scatter{sweeps="kl-penalty-first,kl-penalty-second" x="kl" y="raw_reward" caption="..."}
// One metric against another: each run's path through training (both
// metrics smoothed, at the steps both were logged) in its value's color, and
// a large point where each value ended (as ::final's: the mean of the last
// 10% of steps, over its seeds, with bars from lowest to highest both ways).
// Several sweeps' values are merged in sweep order; a value two sweeps share
// (same label, same runs) is drawn once.
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import { renderScatterFigureWithSpec } from '../charts/figure';
import { metricName } from '../charts/metrics';
import { drawScatter, lowestDrawn, type ScatterValue } from '../charts/scatter';
import { figureCacheDir } from '../site/dirs';
import { writeFigureData, writeFigureFiles } from '../site/figure-files';
import { metricsOf, metricsOfRuns, seriesOf } from '../site/run-data';
import { runsByValue } from '../site/sweep-runs';
import { directiveError } from './directive-error';
import { findDirectives, noMetricsYet, noRunsYet, parseAttributes, replaceDirectives, sweepListAttribute, sweepOf, type DirectiveOptions } from './directives';
import { captionedFigure, joinSentences, missingAcross, missingNote } from './figure-html';
import { figureLabel } from './remark-figure-refs';

/**
 * Two noisy metrics against each other make a scribble: each point moves in
 * both directions at once. 0.9 averages over ~10 logged steps (1 / (1 - 0.9)),
 * about what the end point averages over in a 200-step run (its last 10%), so
 * a path ends near its point; TensorBoard's 0.6 left the paths a tangle.
 */
const DEFAULT_SMOOTH = 0.9;

/** `logx`, `logx=true` or `logx=false`. */
const flag = z
  .enum(['', 'true', 'false'])
  .optional()
  .transform((given) => given === '' || given === 'true');

const attributes = {
  sweeps: sweepListAttribute,
  x: z.string().min(1),
  y: z.string().min(1),
  caption: z.string().optional(),
  smooth: z.coerce.number().min(0).max(0.999).default(DEFAULT_SMOOTH),
  logx: flag,
  logy: flag,
  /** `{#fig-frontier}`: the figure's id, for :ref{#fig-frontier} (remark-figure-refs). */
  id: z.string().optional(),
};

export default function remarkScatter(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    const matches = findDirectives(tree, 'scatter');
    const ids = new Map(matches.map((match, index) => [match.node, `scatter-${index + 1}`]));
    await replaceDirectives(file, matches, async ({ node }) => {
      const { sweeps: sweepList, x, y, caption, smooth, logx, logy } = parseAttributes(attributes, node, file);
      const sweeps = sweepList.map((id) => sweepOf(options, id, node, file));
      for (const { sweep, runs } of sweeps) {
        const known = metricsOfRuns(runs.map(({ run }) => run));
        // Runs that logged nothing yet (pretraining) make no metric unknown.
        for (const metric of [x, y]) {
          if (known.length > 0 && !known.includes(metric)) {
            throw directiveError(file, node, 'scatter', `unknown metric "${metric}" in sweep "${sweep.id}" (known: ${known.join(', ')})`);
          }
        }
      }
      const names = sweeps.map(({ sweep }) => sweep.id).join('", "');
      if (sweeps.every(({ runs }) => runs.length === 0)) return [noRunsYet(names, sweeps.map((s) => s.listedOnly))];

      // Values in sweep order; one a sweep before had (same label, same runs) is that one.
      const seen = new Map<string, string>();
      const values: ScatterValue[] = [];
      for (const { sweep, runs } of sweeps) {
        for (const group of runsByValue(runs)) {
          const dirs = group.runs.map(({ run }) => run.dir).join('\n');
          if (seen.get(group.label) === dirs) continue;
          // the same label over other runs (another config) is another value: its sweep says which
          const label = seen.has(group.label) ? `${group.label} (${sweep.id})` : group.label;
          seen.set(label, dirs);
          // A run that logged one of the two metrics only (an imported train/ or validation/ run) has no path.
          const both = group.runs.map(({ run }) => metricsOf(run)).filter((metrics) => metrics.series.has(x) && metrics.series.has(y));
          if (both.length > 0) values.push({ label, color: group.themed, runs: both.map((metrics) => ({ x: seriesOf(metrics, x), y: seriesOf(metrics, y) })) });
        }
      }
      if (values.length === 0) {
        const logged = sweeps.some(({ runs }) => runs.some(({ run }) => metricsOf(run).series.size > 0));
        if (!logged) return [noMetricsYet(names)];
        throw directiveError(file, node, 'scatter', `no run of sweep "${names}" logged both "${x}" and "${y}"`);
      }

      const drawn = drawScatter(values, smooth);
      for (const [axis, metric, log] of [['x', x, logx], ['y', y, logy]] as const) {
        const lowest = lowestDrawn(drawn, axis);
        if (log && lowest <= 0) {
          throw directiveError(file, node, 'scatter', `log${axis}: "${metric}" has values at or below 0 (lowest ${Number(lowest.toPrecision(3))}), which a log axis cannot show`);
        }
      }
      const { html: chart, spec } = await renderScatterFigureWithSpec({
        values: drawn,
        x,
        y,
        logx,
        logy,
        smooth,
        idPrefix: ids.get(node)!,
        cacheDir: figureCacheDir(),
        dataFile: writeFigureData,
      });
      const counts = values.map((value) => value.runs.length);
      const text = joinSentences(
        caption ?? `${metricName(y)} against ${metricName(x)}.`,
        `Each line is a run's path through training, at the steps that logged both metrics` + (smooth > 0 ? `, each smoothed with EMA weight ${smooth}` : ''),
        `Each large point is where a value ended: the mean of its last 10% of steps`,
        scatterSeedsNote(counts),
        missingNote(missingAcross(sweeps)),
      )!;
      const label = figureLabel(node);
      return [{ type: 'html', value: captionedFigure('scatter-figure', y, chart, text, label && { ...label, files: writeFigureFiles(spec) }).value }];
    });
  };
}

/** What the figure draws for values with several seeds, for its caption; nothing when each value has one. */
function scatterSeedsNote(counts: number[]): string | undefined {
  const most = Math.max(...counts);
  if (most <= 1) return undefined;
  const least = Math.min(...counts);
  const per = least === most ? `${most} seeds` : `${least} to ${most} seeds`;
  return `With ${per} a value, each seed's path is faint, its point the mean of their ends, and its bars their lowest to highest end.`;
}
