// Kept generations of runs, newest first: the newest as written, each earlier
// one told against the one above it. Shared by ::generations and the run page.
// Generation text is data: it only ever reaches the page escaped.
import type { GenerationLine } from '../runs';
import type { ThemedColor } from '../charts/contrast';
import { swatchStyle } from '../charts/palette';
import { html, type SafeHtml } from './html';
import { changesOf, similarity, splitWords, wordDiff } from './word-diff';

export interface RunGenerations {
  label: string;
  /** As its figures draw it (SweepRun.themed). */
  color: ThemedColor;
  /** Set when the value has several seeds: each generation says which seed's run wrote it. */
  seed?: number;
  generations: GenerationLine[];
  /** Where the run's kept generations can be downloaded whole (its generations.jsonl). */
  download: string;
  /** Set while the run trains: "running, step 40/150". */
  running?: string;
}

/** A generation longer than this shows its start only; the download holds all of it. */
export const MAX_SHOWN_CHARS = 2000;

/** Below this share of common words, marking the differences shows only noise. */
const MARK_SIMILARITY = 0.5;

/** At most this many changes of at most this many words in all are listed ("The same, except …") instead of the whole text. */
const FEW_CHANGES = 3;
const FEW_WORDS = 8;

/** What a caption says of how generations are shown (see generationHtml). */
export const COMPARED =
  'The newest is shown as written; each earlier one is compared with the one above it: "The same", ' +
  '"The same, except" the few words that changed, or its whole text, with the words the later one dropped struck through and those it added marked.';

const ORDINALS = ['Last', 'Second-to-last', 'Third-to-last'];

function position(fromEnd: number): string {
  const n = fromEnd + 1;
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return ORDINALS[fromEnd] ?? `${n}${suffix}-to-last`;
}

/**
 * One generation. The newest shown (no `above`) reads clean, as written; an
 * earlier one is told against the later one shown above it, so a collapsed
 * run reads "The same" instead of the same text again. `sameAs`: for the
 * newest, the run (another value, or seed) shown earlier whose newest is this
 * text word for word, so runs that collapsed into one text show it once.
 */
function generationHtml(
  generation: GenerationLine,
  above: GenerationLine | undefined,
  fromEnd: number,
  download: string,
  seed?: number,
  sameAs?: string,
): SafeHtml {
  const start = startOf(generation.text);
  const more = generation.text.length - start.length;
  let text: SafeHtml | string = start;
  let note = '';
  let whole = true;
  if (above && above.text === generation.text) [text, whole] = ['The same.', false];
  else if (!above && sameAs !== undefined) [text, whole] = [`The same as ${sameAs}.`, false];
  else if (above) {
    // How this generation became the one above. Marks on a cut text would mislead; wordDiff refuses long texts itself.
    const parts = more === 0 ? wordDiff(generation.text, above.text, MARK_SIMILARITY) : undefined;
    const shared = Array.isArray(parts) ? similarity(parts) : 0;
    if (!parts) note = 'too long to mark what changed';
    else if (parts === 'unlike' || shared < MARK_SIMILARITY) note = 'unlike the one above';
    else if (shared === 1) [text, whole] = ['The same.', false];
    else {
      const changes = changesOf(parts);
      const words = changes.reduce((sum, { removed, added }) => sum + splitWords(removed).length + splitWords(added).length, 0);
      if (changes.length <= FEW_CHANGES && words <= FEW_WORDS) {
        whole = false;
        text = html`The same, except ${changes.map(
          ({ removed, added }, index) =>
            html`${index > 0 ? '; ' : ''}${removed ? html`<del>${removed}</del>` : ''}${removed && added ? ' ' : ''}${added ? html`<ins>${added}</ins>` : ''}`,
        )}.`;
      } else
        text = html`${parts.map((part) =>
          part.kind === 'added' ? html`<ins>${part.text}</ins>` : part.kind === 'removed' ? html`<del>${part.text}</del>` : part.text,
        )}`;
    }
  }
  return html`<div class="generation">
<p class="generation-meta">${seed === undefined ? '' : `Seed ${seed} · `}${position(fromEnd)} · step ${generation.step}${note ? ` · ${note}` : ''}</p>
<p class="generation-text${whole ? '' : ' generation-same'}">${text}${whole && more > 0 ? html` <span class="generation-more">… ${more.toLocaleString('en')} more characters in the <a href="${download}">download</a></span>` : ''}</p>
</div>`;
}

/** The first MAX_SHOWN_CHARS characters, not splitting a surrogate pair. */
function startOf(text: string): string {
  if (text.length <= MAX_SHOWN_CHARS) return text;
  const end = /[\uD800-\uDBFF]/.test(text[MAX_SHOWN_CHARS - 1]) ? MAX_SHOWN_CHARS - 1 : MAX_SHOWN_CHARS;
  return text.slice(0, end);
}

/**
 * Each run's last `last` kept generations, under its label; runs of one
 * value (its seeds, consecutive and with the same label) share one heading.
 */
export function generationsHtml(runs: RunGenerations[], last: number): SafeHtml {
  const groups: RunGenerations[][] = [];
  for (const run of runs) {
    const group = groups.at(-1);
    if (group && group[0].label === run.label) group.push(run);
    else groups.push([run]);
  }
  // Each run's generations shown so far, by name, so an identical text is told once.
  const before: ShownRun[] = [];
  return html`<div class="generations">${groups.map((group) => {
    const { label, color } = group[0];
    const running = group.filter((run) => run.running).map(({ running, seed }) => (seed === undefined ? running : `seed ${seed} ${running}`));
    return html`<div class="generations-run">
<p class="generations-label"><span class="swatch" style="${swatchStyle(color)}"></span> ${label}${running.length > 0 ? html` <span class="generations-running">· ${running.join(', ')}</span>` : ''}</p>
${group.map(({ generations, download, seed }) => {
  const shown = newestFirst(generations, last);
  const texts = shown.map((generation) => generation.text).join('\0');
  // A run that wrote the very generations of one shown before says so in one line; one whose newest is another's, in that line.
  const twin = shown.length > 1 ? before.find((other) => other.texts === texts) : undefined;
  const newestTwin = before.find((other) => other.shown[0] !== undefined && other.shown[0].text === shown[0]?.text);
  before.push({ label, seed, shown, texts });
  if (twin) {
    return html`<div class="generation">
<p class="generation-meta">${seed === undefined ? '' : `Seed ${seed} · `}Last ${shown.length} · steps ${shown.map((generation) => generation.step).join(', ')}</p>
<p class="generation-text generation-same">The same as ${nameOf(twin, label)}.</p>
</div>`;
  }
  return html`${shown.length === 0 ? html`<p class="generation-meta">${seed === undefined ? '' : `Seed ${seed}: `}No generations kept.</p>` : ''}
${shown.map((generation, fromEnd) => generationHtml(generation, shown[fromEnd - 1], fromEnd, download, seed, newestTwin && nameOf(newestTwin, label)))}`;
})}
</div>`;
  })}</div>`;
}

/** A run's generations as shown, to tell the runs after it that wrote the same. */
interface ShownRun {
  label: string;
  seed?: number;
  shown: GenerationLine[];
  /** The shown texts joined, to compare whole runs. */
  texts: string;
}

/** How a run shown before is named beside one of this label: "seed 0" within a value; the value's label (and seed) across values. */
function nameOf(other: ShownRun, label: string): string {
  if (other.seed === undefined) return other.label;
  return other.label === label ? `seed ${other.seed}` : `${other.label} seed ${other.seed}`;
}

/** The last `last` generations by step, newest first. */
function newestFirst(generations: GenerationLine[], last: number): GenerationLine[] {
  return [...generations].sort((a, b) => a.step - b.step).slice(-last).reverse();
}
