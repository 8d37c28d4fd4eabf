// ::final{sweeps="kl-penalty-first,kl-penalty-second" metric="raw_reward" caption="..."}
// Where each value ended against the value its sweep varied: one point per
// value in its color, one connected series per sweep, so a trade-off across
// several sweeps reads off one figure. "Ended" is the mean over the last 10%
// of steps, which a single noisy last step would misstate. A value with
// several seeds is the mean of its seeds' ends, with a min–max bar and each
// seed's end small beside it.
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
import { directiveError } from './directive-error';
import { findDirectives, parseAttributes, replaceDirectives, sweepListAttribute, sweepOf, type DirectiveOptions } from './directives';
import { captionedFigure, joinSentences, missingAcross, missingNote } from './figure-html';
import { figureLabel } from './remark-figure-refs';

const attributes = {
  sweeps: sweepListAttribute,
  metric: z.string().min(1),
  caption: z.string().optional(),
  /** `{#fig-end}`: the figure's id, for :ref{#fig-end} (remark-figure-refs). */
  id: z.string().optional(),
};

export default function remarkFinal(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    const matches = findDirectives(tree, 'final');
    const ids = new Map(matches.map((match, index) => [match.node, `final-${index + 1}`]));
    await replaceDirectives(file, matches, async ({ node }) => {
      const { sweeps: sweepList, metric, caption } = parseAttributes(attributes, node, file);
      const sweeps = sweepList.map((id) => sweepOf(options, id, node, file));
      const varied = [...new Set(sweeps.map(({ sweep }) => sweep.vary))];
      if (varied.length > 1) throw directiveError(file, node, 'final', `the sweeps vary different fields (${varied.join(', ')})`);

      const series = sweeps.map(({ sweep, runs }) => {
        const known = metricsOfRuns(runs.map(({ run }) => run));
        // Runs that logged nothing yet (pretraining) make no metric unknown.
        if (known.length > 0 && !known.includes(metric)) {
          throw directiveError(file, node, 'final', `unknown metric "${metric}" in sweep "${sweep.id}" (known: ${known.join(', ')})`);
        }
        return {
          name: sweep.title,
          runs: runsByValue(runs).map(({ value, label, themed: color, runs: seedRuns }) => {
            if (typeof value !== 'number') throw directiveError(file, node, 'final', `sweep "${sweep.id}" varies ${sweep.vary} over non-numbers`);
            const ends = seedRuns.map(({ run }) => meanOfLast10Pct(seriesOf(metricsOf(run), metric)));
            return { label, color, x: value, value: acrossSeeds(ends)?.mean ?? null, ...(ends.length > 1 ? { seeds: ends } : {}) };
          }),
        };
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

/** What the figure draws for values with several seeds, for its caption; nothing when each value has one. */
function finalSeedsNote(counts: number[]): string | undefined {
  const most = Math.max(0, ...counts);
  if (most <= 1) return undefined;
  const least = Math.min(...counts);
  const per = least === most ? `${most} seeds` : `${least} to ${most} seeds`;
  return `Each large point is the mean over its value's ${per}, its bar their lowest to highest value, the small points the seeds.`;
}
