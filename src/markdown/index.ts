// The report markdown pipeline's plugins, in order: remark-directive parses
// `::name{...}`, ours render sweepbook's directives, and whatever directive is
// left goes back to plain text.
import type { RemarkPlugins } from '@astrojs/markdown-remark';
import remarkDirective from 'remark-directive';
import { remarkDirectiveErrors } from './directive-error';
import type { DirectiveOptions } from './directives';
import remarkFigure from './remark-figure';
import remarkFigureRefs from './remark-figure-refs';
import remarkFinal from './remark-final';
import remarkGenerations from './remark-generations';
import remarkLiteralDirectives from './remark-literal-directives';
import remarkParallel from './remark-parallel';
import remarkReference from './remark-reference';
import remarkRuns from './remark-runs';
import remarkScatter from './remark-scatter';
import remarkValue from './remark-value';

export type { DirectiveOptions } from './directives';
export { DirectiveError, DirectiveErrors } from './directive-error';

export function reportPlugins(options: DirectiveOptions): RemarkPlugins {
  return [
    remarkDirective,
    // before the figures: it numbers them all, ::figure, ::final, ::scatter and ::parallel, in reading order
    remarkFigureRefs,
    [remarkFigure, options],
    [remarkFinal, options],
    [remarkScatter, options],
    [remarkParallel, options],
    [remarkGenerations, options],
    [remarkRuns, options],
    [remarkValue, options],
    [remarkReference, options],
    remarkLiteralDirectives,
    // last: fails the report with all its directives' errors, kept by the plugins above
    remarkDirectiveErrors,
  ];
}
