// ::generations{sweep="kl-penalty-first" last=2}
// For each run of the sweep, its last N kept generations with their steps and
// what changed from the one before, plus a footnote saying these come from a
// reservoir sample (seen vs kept). The footnote is a GFM footnote, numbered
// with the report's own.
import type { FootnoteDefinition, Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import type { RunInfo } from '../runs';
import { generationsOf } from '../site/run-data';
import type { SweepRun } from '../site/sweep-runs';
import { findDirectives, noRunsYet, parseAttributes, replaceDirectives, sweepOf, type DirectiveOptions } from './directives';
import { generationsHtml } from './generations-html';

const attributes = {
  sweep: z.string().min(1),
  // More per run would make a report of samples; the run page shows more.
  last: z.coerce.number().int().min(1).max(10).default(2),
};

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** What the footnote says about the sample each run kept. */
export function reservoirNote(runs: SweepRun[]): string {
  const counts = ({ kept, seen, capacity }: RunInfo['generations']) =>
    capacity === 0 ? `all ${seen} it logged` : `${kept} of the ${seen} it logged`;
  const all = runs.map(({ run }) => counts(run.info.generations));
  const perRun = all.every((text) => text === all[0])
    ? `Each run kept ${all[0]}.`
    : runs.map(({ label }, index) => `${label} kept ${all[index]}.`).join(' ');
  return (
    'Generations are a reservoir sample, as in TensorBoard: a run keeps its newest generation and a ' +
    `uniform random sample of the older ones, so "last" means last kept. ${perRun}`
  );
}

export default function remarkGenerations(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    const footnotes: FootnoteDefinition[] = [];
    const matches = findDirectives(tree, 'generations');
    const numbers = new Map(matches.map((match, index) => [match.node, index + 1]));
    await replaceDirectives(matches, ({ node }) => {
      const { sweep: sweepId, last } = parseAttributes(attributes, node, file);
      const { runs, listedOnly } = sweepOf(options, sweepId, node, file);
      if (runs.length === 0) return [noRunsYet(sweepId, listedOnly)];
      const identifier = `sweepbook-generations-${numbers.get(node)}`;
      footnotes.unshift({
        type: 'footnoteDefinition',
        identifier,
        label: identifier,
        children: [{ type: 'paragraph', children: [{ type: 'text', value: reservoirNote(runs) }] }],
      });
      const shown = runs.map(({ run, label, color }) => ({
        label,
        color,
        generations: generationsOf(run),
        download: `${options.base ?? '/'}runs/${run.info.id}/generations.jsonl`,
      }));
      const newest = last === 1 ? 'The last kept generation' : `The last ${NUMBER_WORDS[last] ?? last} kept generations`;
      return [
        {
          type: 'paragraph',
          data: { hProperties: { className: ['generations-caption'] } },
          children: [
            { type: 'text', value: `${newest} of each run, newest first` },
            { type: 'footnoteReference', identifier, label: identifier },
            { type: 'text', value: '. Words new since the generation before are marked, words it dropped are struck through.' },
          ],
        },
        { type: 'html', value: generationsHtml(shown, last).value },
      ];
    });
    tree.children.push(...footnotes);
  };
}
