// ::runs{sweep="kl-penalty-first"}: the table of the sweep's runs.
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import { findDirectives, noRunsYet, parseAttributes, replaceDirectives, sweepOf, type DirectiveOptions } from './directives';
import { runsTableHtml } from './runs-table';

const attributes = { sweep: z.string().min(1) };

export default function remarkRuns(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    await replaceDirectives(findDirectives(tree, 'runs'), ({ node }) => {
      const { sweep: sweepId } = parseAttributes(attributes, node, file);
      const { sweep, runs, listedOnly } = sweepOf(options, sweepId, node, file);
      if (runs.length === 0) return [noRunsYet(sweepId, listedOnly)];
      return [{ type: 'html', value: runsTableHtml(runs, sweep.vary, options.base).value }];
    });
  };
}
