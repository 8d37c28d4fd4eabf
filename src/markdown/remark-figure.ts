// ::figure{sweep="kl-penalty-first" metric="raw_reward" caption="..." smooth=0.6}
// One line per value of the sweep, in its colors, with a legend of labels;
// a value with several seeds is the mean over them, with a min–max band
// (seeds="all": each seed's line, faint).
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import { metricsOfRuns } from '../site/run-data';
import { directiveError } from './directive-error';
import { findDirectives, noMetricsYet, noRunsYet, parseAttributes, replaceDirectives, sweepOf, type DirectiveOptions } from './directives';
import { figureHtml } from './figure-html';
import { figureLabel } from './remark-figure-refs';

const attributes = {
  sweep: z.string().min(1),
  metric: z.string().min(1),
  caption: z.string().optional(),
  smooth: z.coerce.number().min(0).max(0.999).optional(),
  /** "all": each seed's line, faint, instead of the min–max band around the mean. */
  seeds: z.enum(['band', 'all']).optional(),
  /** `{#fig-kl}`: the figure's id, for :ref{#fig-kl} (remark-figure-refs). */
  id: z.string().optional(),
};

export default function remarkFigure(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    const matches = findDirectives(tree, 'figure');
    // Ids inside each SVG get a prefix unique on the page.
    const ids = new Map(matches.map((match, index) => [match.node, `figure-${index + 1}`]));
    await replaceDirectives(file, matches, async ({ node }) => {
      const { sweep: sweepId, metric, caption, smooth, seeds } = parseAttributes(attributes, node, file);
      const { runs, missing, listedOnly } = sweepOf(options, sweepId, node, file);
      if (runs.length === 0) return [noRunsYet(sweepId, listedOnly)];
      const known = metricsOfRuns(runs.map(({ run }) => run));
      // Runs stopped or still in pretraining have logged nothing: no metric is known to be wrong yet.
      if (known.length === 0) return [noMetricsYet(sweepId)];
      if (!known.includes(metric)) {
        throw directiveError(file, node, 'figure', `unknown metric "${metric}" in sweep "${sweepId}" (known: ${known.join(', ')})`);
      }
      const figure = await figureHtml({ runs, metric, caption, smooth, seeds, idPrefix: ids.get(node)!, label: figureLabel(node), missing });
      return [{ type: 'html', value: figure.value }];
    });
  };
}
