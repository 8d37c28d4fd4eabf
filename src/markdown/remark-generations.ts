// ::generations{sweep="kl-penalty-first" last=2}
// For each run of the sweep, its last N kept generations with their steps and
// how each differs from the one above it, plus a footnote saying these come
// from a reservoir sample (seen vs kept). The footnote is a GFM footnote,
// numbered with the report's own; every ::generations of a report refers to
// the same one. With several seeds, each value shows the last kept
// generation of every seed (seeds="all", the default), or seed=N shows the
// last N of one seed's run.
import type { FootnoteDefinition, Root } from 'mdast';
import type { VFile } from 'vfile';
import { z } from 'zod';
import type { RunInfo } from '../runs';
import { generationsOf } from '../site/run-data';
import type { SweepRun } from '../site/sweep-runs';
import { directiveError } from './directive-error';
import { findDirectives, noRunsYet, parseAttributes, replaceDirectives, seedAttribute, sweepOf, type DirectiveOptions } from './directives';
import { COMPARED, generationsHtml } from './generations-html';
import { missingNote } from './figure-html';

// remark-rehype gives a node's data.hProperties to its HTML element; the type
// is mdast-util-to-hast's, which only Astro's markdown pipeline depends on.
declare module 'mdast' {
  interface Data {
    hProperties?: Record<string, unknown>;
  }
}

const attributes = {
  sweep: z.string().min(1),
  // More per run would make a report of samples; the run page shows more.
  // Default: 2, or 1 per seed when every seed of a value is shown.
  last: z.coerce.number().int().min(1).max(10).optional(),
  /** "all": every seed's run of each value (the default when the sweep has several seeds). */
  seeds: z.literal('all').optional(),
  /** One seed's run of each value. */
  seed: seedAttribute.optional(),
  /** Only the texts of this TensorBoard tag (imported runs': "samples", not the "args" a trainer logs too). */
  tag: z.string().min(1).optional(),
};

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

const RESERVOIR =
  'Generations are a reservoir sample, as in TensorBoard: a run keeps its newest generation and a ' +
  'uniform random sample of the older ones, so "last" means last kept.';

/** What the runs of one ::generations kept: "Each run kept 5 of the 40 it logged." With a tag, the counts are of that tag's texts, all kept (imported runs keep every text). */
export function keptText(runs: SweepRun[], tag?: string): string {
  const counts = ({ kept, seen, capacity }: RunInfo['generations']) =>
    capacity === 0 ? `all ${seen} it logged` : `${kept} of the ${seen} it logged`;
  const tagged = (run: SweepRun['run']) => generationsOf(run).filter((g) => g.tag === tag).length;
  const all = runs.map(({ run }) => (tag === undefined ? counts(run.info.generations) : `all ${tagged(run)} it logged with tag ${tag}`));
  return all.every((text) => text === all[0])
    ? `Each run kept ${all[0]}.`
    : runs.map(({ label, seed }, index) => `${label}${runs.some((other) => other.label === label && other !== runs[index]) ? ` seed ${seed}` : ''} kept ${all[index]}.`).join(' ');
}

/** The one footnote every ::generations of a report refers to. */
const FOOTNOTE = 'sweepbook-generations';

export default function remarkGenerations(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    // What each directive's runs kept, in document order: one footnote says it for all of them.
    const notes: { sweepId: string; seed: number | undefined; text: string; sampled: boolean }[] = [];
    const matches = findDirectives(tree, 'generations');
    await replaceDirectives(file, matches, ({ node }) => {
      const { sweep: sweepId, last: lastGiven, seeds: seedsGiven, seed, tag } = parseAttributes(attributes, node, file);
      const { sweep, runs: drawn, missing, listedOnly } = sweepOf(options, sweepId, node, file);
      if (seed !== undefined && seedsGiven) throw directiveError(file, node, 'generations', 'give seeds="all" or seed=N, not both');
      if (seed !== undefined && !sweep.seeds.includes(seed)) {
        throw directiveError(file, node, 'generations', `seed ${seed} is not one of sweep "${sweepId}"'s seeds (${sweep.seeds.join(', ')})`);
      }
      const runs = seed === undefined ? drawn : drawn.filter((run) => run.seed === seed);
      if (runs.length === 0) return [noRunsYet(sweepId, listedOnly)];
      if (tag !== undefined && !runs.some(({ run }) => generationsOf(run).some((g) => g.tag === tag))) {
        const tags = [...new Set(runs.flatMap(({ run }) => generationsOf(run).flatMap((g) => (g.tag === undefined ? [] : [g.tag]))))];
        throw directiveError(file, node, 'generations', `no run of sweep "${sweepId}" logged a text with tag "${tag}" (${tags.length > 0 ? `tags: ${tags.join(', ')}` : 'their texts have no tags'})`);
      }
      const everySeed = seed === undefined && sweep.seeds.length > 1;
      const last = lastGiven ?? (everySeed ? 1 : 2);
      // Directives are replaced last to first.
      notes.unshift({ sweepId, seed, text: keptText(runs, tag), sampled: runs.some(({ run }) => run.info.generations.capacity > 0) });
      const shown = runs.map(({ run, label, themed: color, seed: runSeed }) => ({
        label,
        color,
        ...(everySeed || seed !== undefined ? { seed: runSeed } : {}),
        generations: tag === undefined ? generationsOf(run) : generationsOf(run).filter((g) => g.tag === tag),
        download: `${options.base ?? '/'}runs/${encodeURIComponent(run.info.id)}/generations.jsonl`,
        ...(run.info.status === 'running' ? { running: `running, step ${run.info.steps_done}/${run.info.total_steps}` } : {}),
      }));
      const newest = last === 1 ? 'The last kept generation' : `The last ${NUMBER_WORDS[last] ?? last} kept generations`;
      return [
        {
          type: 'paragraph',
          data: { hProperties: { className: ['generations-caption'] } },
          children: [
            { type: 'text', value: `${newest} of ${everySeed ? 'each seed of each value' : seed !== undefined ? `seed ${seed} of each value` : 'each run'}, newest first` },
            { type: 'footnoteReference', identifier: FOOTNOTE, label: FOOTNOTE },
            { type: 'text', value: `.${last > 1 ? ` ${COMPARED}` : ''}${missing.length > 0 ? ` ${missingNote(missing)}` : ''}` },
          ],
        },
        { type: 'html', value: generationsHtml(shown, last).value },
      ];
    });
    if (notes.length > 0) tree.children.push(reservoirFootnote(notes));
  };
}

/** The footnote: what a reservoir sample is, once (if any run kept one), and what the runs of each ::generations kept. */
function reservoirFootnote(notes: { sweepId: string; seed: number | undefined; text: string; sampled: boolean }[]): FootnoteDefinition {
  const distinct = notes.filter((note, index) => notes.findIndex((other) => other.sweepId === note.sweepId && other.seed === note.seed) === index);
  const kept = distinct.every((note) => note.text === distinct[0].text)
    ? distinct[0].text
    : distinct.map(({ sweepId, seed, text }) => `In sweep ${sweepId}${seed === undefined ? '' : ` (seed ${seed})`}: ${text}`).join(' ');
  return {
    type: 'footnoteDefinition',
    identifier: FOOTNOTE,
    label: FOOTNOTE,
    children: [{ type: 'paragraph', children: [{ type: 'text', value: notes.some((note) => note.sampled) ? `${RESERVOIR} ${kept}` : kept }] }],
  };
}
