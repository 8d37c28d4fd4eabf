// ::final{sweeps="kl-penalty-first,kl-penalty-second" metric="raw_reward" caption="..."}
// Where each run ended against the value its sweep varied: one point per run
// in its color, one connected series per sweep, so a trade-off across several
// sweeps reads off one figure. "Ended" is the mean over the last 10% of steps,
// which a single noisy last step would misstate.
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import { finalMean, renderFinalMetricFigure } from '../charts';
import { figureCacheDir } from '../site/dirs';
import { metricsOf, metricsOfRuns, seriesOf } from '../site/run-data';
import { directiveError } from './directive-error';
import { findDirectives, parseAttributes, replaceDirectives, sweepOf, type DirectiveOptions } from './directives';
import { captionedFigure } from './figure-html';

const attributes = {
  sweeps: z.string().min(1),
  metric: z.string().min(1),
  caption: z.string().optional(),
};

export default function remarkFinal(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    const matches = findDirectives(tree, 'final');
    const ids = new Map(matches.map((match, index) => [match.node, `final-${index + 1}`]));
    await replaceDirectives(matches, async ({ node }) => {
      const { sweeps: sweepList, metric, caption } = parseAttributes(attributes, node, file);
      const sweeps = sweepList.split(',').map((id) => sweepOf(options, id.trim(), node, file));
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
          runs: runs.map(({ run, value, label, color }) => {
            if (typeof value !== 'number') throw directiveError(file, node, 'final', `sweep "${sweep.id}" varies ${sweep.vary} over non-numbers`);
            return { label, color, x: value, value: finalMean(seriesOf(metricsOf(run), metric)) };
          }),
        };
      });
      const chart = await renderFinalMetricFigure({
        sweeps: series,
        xTitle: varied[0],
        yTitle: `${metric}, mean of the last 10% of steps`,
        idPrefix: ids.get(node)!,
        cacheDir: figureCacheDir(),
      });
      return [{ type: 'html', value: captionedFigure('final-figure', metric, chart, caption).value }];
    });
  };
}
