// Figure numbers and cross-references. The report's figures (::figure,
// ::final, ::scatter and ::parallel, in reading order) are numbered 1, 2, ... and each gets an id, its
// own (`::figure{#fig-kl ...}`) or fig-N; `:ref{#fig-kl}` in the prose becomes
// a link "Figure 2" to it (`:ref[the KL figure]{#fig-kl}` links that text).
// A reference to no figure fails the build at its line.
import type { Root } from 'mdast';
import type { LeafDirective } from 'mdast-util-directive';
import { visit } from 'unist-util-visit';
import type { VFile } from 'vfile';
import { directiveError, keepDirectiveError } from './directive-error';
import { findTextDirectives, replaceDirectives } from './directives';

/** What this plugin leaves on a figure directive's node for remark-figure, remark-final, remark-scatter and remark-parallel. */
export interface FigureLabel {
  number: number;
  id: string;
}

const FIGURES = ['figure', 'final', 'scatter', 'parallel'];
const ID = /^[A-Za-z][\w-]*$/;

export function figureLabel(node: LeafDirective): FigureLabel | undefined {
  return (node.data as { figureLabel?: FigureLabel } | undefined)?.figureLabel;
}

export default function remarkFigureRefs() {
  return async (tree: Root, file: VFile) => {
    const numbers = new Map<string, number>();
    visit(tree, 'leafDirective', (node) => {
      if (!FIGURES.includes(node.name)) return;
      const number = numbers.size + 1;
      const id = node.attributes?.id ?? `fig-${number}`;
      const problem = !ID.test(id)
        ? `id "#${id}" must start with a letter and hold only letters, digits, "-" and "_"`
        : numbers.has(id)
          ? `id "#${id}" is already a figure's in this report`
          : undefined;
      // Kept for the end of the report, as replaceDirectives keeps the others'; the figure goes unnumbered.
      if (problem) return void keepDirectiveError(file, directiveError(file, node, node.name, problem));
      numbers.set(id, number);
      node.data = { ...node.data, figureLabel: { number, id } } as LeafDirective['data'];
    });

    await replaceDirectives(file, findTextDirectives(tree, 'ref'), ({ node }) => {
      const { id, ...others } = node.attributes ?? {};
      const unknown = Object.keys(others)[0];
      if (unknown) throw directiveError(file, node, 'ref', `unknown attribute "${unknown}" (write :ref{#fig-id})`);
      const known = [...numbers.keys()].map((key) => `#${key}`).join(', ') || 'none';
      if (!id) throw directiveError(file, node, 'ref', `missing the figure's id, as in :ref{#fig-kl} (figures: ${known})`);
      const number = numbers.get(id);
      if (number === undefined) throw directiveError(file, node, 'ref', `no figure "#${id}" in this report (figures: ${known})`);
      const children = node.children.length > 0 ? node.children : [{ type: 'text' as const, value: `Figure ${number}` }];
      return [{ type: 'link', url: `#${id}`, children }];
    });
  };
}
