// ::generations{sweep="kl-penalty-first" last=2}
// For each run of the sweep, its last N kept generations with their steps and
// what changed from the one before, plus a footnote saying these come from a
// reservoir sample (seen vs kept). The footnote is a GFM footnote, numbered
// with the report's own. With several seeds, each value shows the last kept
// generation of every seed (seeds="all", the default), or seed=N shows the
// last N of one seed's run.
import type { FootnoteDefinition, Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import type { RunInfo } from '../runs';
import { generationsOf } from '../site/run-data';
import type { SweepRun } from '../site/sweep-runs';
import { directiveError } from './directive-error';
import { findDirectives, noRunsYet, parseAttributes, replaceDirectives, sweepOf, type DirectiveOptions } from './directives';
import { generationsHtml } from './generations-html';

const attributes = {
  sweep: z.string().min(1),
  // More per run would make a report of samples; the run page shows more.
  // Default: 2, or 1 per seed when every seed of a value is shown.
  last: z.coerce.number().int().min(1).max(10).optional(),
  /** "all": every seed's run of each value (the default when the sweep has several seeds). */
  seeds: z.literal('all').optional(),
  /** One seed's run of each value. */
  seed: z.coerce.number().int().optional(),
};

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

/** What the footnote says about the sample each run kept. */
export function reservoirNote(runs: SweepRun[]): string {
  const counts = ({ kept, seen, capacity }: RunInfo['generations']) =>
    capacity === 0 ? `all ${seen} it logged` : `${kept} of the ${seen} it logged`;
  const all = runs.map(({ run }) => counts(run.info.generations));
  const perRun = all.every((text) => text === all[0])
    ? `Each run kept ${all[0]}.`
    : runs.map(({ label, seed }, index) => `${label}${runs.some((other) => other.label === label && other !== runs[index]) ? ` seed ${seed}` : ''} kept ${all[index]}.`).join(' ');
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
      const { sweep: sweepId, last: lastGiven, seeds: seedsGiven, seed } = parseAttributes(attributes, node, file);
      const { sweep, runs: drawn, listedOnly } = sweepOf(options, sweepId, node, file);
      if (seed !== undefined && seedsGiven) throw directiveError(file, node, 'generations', 'give seeds="all" or seed=N, not both');
      if (seed !== undefined && !sweep.seeds.includes(seed)) {
        throw directiveError(file, node, 'generations', `seed ${seed} is not one of sweep "${sweepId}"'s seeds (${sweep.seeds.join(', ')})`);
      }
      const runs = seed === undefined ? drawn : drawn.filter((run) => run.seed === seed);
      if (runs.length === 0) return [noRunsYet(sweepId, listedOnly)];
      const everySeed = seed === undefined && sweep.seeds.length > 1;
      const last = lastGiven ?? (everySeed ? 1 : 2);
      const identifier = `sweepbook-generations-${numbers.get(node)}`;
      footnotes.unshift({
        type: 'footnoteDefinition',
        identifier,
        label: identifier,
        children: [{ type: 'paragraph', children: [{ type: 'text', value: reservoirNote(runs) }] }],
      });
      const shown = runs.map(({ run, label, color, seed: runSeed }) => ({
        label,
        color,
        ...(everySeed || seed !== undefined ? { seed: runSeed } : {}),
        generations: generationsOf(run),
        download: `${options.base ?? '/'}runs/${run.info.id}/generations.jsonl`,
      }));
      const newest = last === 1 ? 'The last kept generation' : `The last ${NUMBER_WORDS[last] ?? last} kept generations`;
      return [
        {
          type: 'paragraph',
          data: { hProperties: { className: ['generations-caption'] } },
          children: [
            { type: 'text', value: `${newest} of ${everySeed ? 'each seed of each value' : seed !== undefined ? `seed ${seed} of each value` : 'each run'}, newest first` },
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
