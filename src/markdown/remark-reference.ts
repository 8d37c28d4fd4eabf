// ::reference{sweep="kl-penalty-first"}: what the sweep's reference model is
// (held-out loss against the bound, and stories it wrote), from its runs.
import type { Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import { findDirectives, noRunsYet, parseAttributes, replaceDirectives, sweepOf, type DirectiveOptions } from './directives';
import { referenceHtml, referencesOf } from './reference-html';

const attributes = { sweep: z.string().min(1) };

export default function remarkReference(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    await replaceDirectives(file, findDirectives(tree, 'reference'), ({ node }) => {
      const { sweep: sweepId } = parseAttributes(attributes, node, file);
      const { runs, listedOnly } = sweepOf(options, sweepId, node, file);
      if (runs.length === 0) return [noRunsYet(sweepId, listedOnly)];
      const references = referencesOf(runs);
      if (references.length === 0) {
        const text = `The runs of sweep "${sweepId}" were trained before runs recorded their reference model.`;
        return [{ type: 'paragraph', children: [{ type: 'emphasis', children: [{ type: 'text', value: text }] }] }];
      }
      return references.map((reference) => ({ type: 'html' as const, value: referenceHtml(reference).value }));
    });
  };
}
