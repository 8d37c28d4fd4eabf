// ::runs{sweep="kl-penalty-first"}: the table of the sweep's runs; metrics="a,b"
// chooses its metric columns (names as logged: "train/loss"), else it shows the
// trainer's usual ones or, for imported runs, the first few they logged. Every
// value of the sweep has a row: one with nothing drawn says why.
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import { metricsOfRuns } from '../site/run-data';
import { directiveError } from './directive-error';
import { findDirectives, noRunsYet, parseAttributes, replaceDirectives, sweepOf, type DirectiveOptions } from './directives';
import { runsTableHtml } from './runs-table';
import { sweepValues } from '../site/sweep-runs';

const attributes = {
  sweep: z.string().min(1),
  metrics: z
    .string()
    .transform((list) => list.split(',').map((name) => name.trim()))
    .refine((names) => names.every((name) => name.length > 0), 'a comma-separated list of metric names')
    .optional(),
};

export default function remarkRuns(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    await replaceDirectives(file, findDirectives(tree, 'runs'), ({ node }) => {
      const { sweep: sweepId, metrics } = parseAttributes(attributes, node, file);
      const { sweep, runs, missing, listedOnly } = sweepOf(options, sweepId, node, file);
      if (runs.length === 0) return [noRunsYet(sweepId, listedOnly)];
      const known = metricsOfRuns(runs.map(({ run }) => run));
      const unknown = known.length > 0 ? metrics?.find((metric) => !known.includes(metric)) : undefined;
      if (unknown !== undefined) throw directiveError(file, node, 'runs', `unknown metric "${unknown}" in sweep "${sweepId}" (known: ${known.join(', ')})`);
      return [{ type: 'html', value: runsTableHtml(sweepValues(sweep, { drawn: runs, missing }), sweep.varied, options.base, metrics).value }];
    });
  };
}
