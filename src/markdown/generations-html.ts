// Kept generations of runs, newest first, each marked where it differs from
// the generation before it. Shared by ::generations and the run page.
// Generation text is data: it only ever reaches the page escaped.
import type { GenerationLine } from '../runs';
import { html, type SafeHtml } from './html';
import { similarity, wordDiff } from './word-diff';

export interface RunGenerations {
  label: string;
  color: string;
  /** Set when the value has several seeds: each generation says which seed's run wrote it. */
  seed?: number;
  generations: GenerationLine[];
  /** Where the run's kept generations can be downloaded whole (its generations.jsonl). */
  download: string;
}

/** A generation longer than this shows its start only; the download holds all of it. */
export const MAX_SHOWN_CHARS = 2000;

/** Below this share of common words, marking the differences shows only noise. */
const MARK_SIMILARITY = 0.5;

const ORDINALS = ['Last', 'Second-to-last', 'Third-to-last'];

function position(fromEnd: number): string {
  const n = fromEnd + 1;
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return ORDINALS[fromEnd] ?? `${n}${suffix}-to-last`;
}

function generationHtml(
  generation: GenerationLine,
  previous: GenerationLine | undefined,
  fromEnd: number,
  download: string,
  seed?: number,
): SafeHtml {
  const start = startOf(generation.text);
  const more = generation.text.length - start.length;
  let text: SafeHtml | string = start;
  let note = '';
  if (previous) {
    // Marks on a cut text would mislead; wordDiff refuses long texts itself.
    const parts = more === 0 ? wordDiff(previous.text, generation.text, MARK_SIMILARITY) : undefined;
    const shared = Array.isArray(parts) ? similarity(parts) : 0;
    if (!parts) note = 'too long to mark what changed';
    else if (parts === 'unlike' || shared < MARK_SIMILARITY) note = 'unlike the one before';
    else if (shared === 1) note = 'same as the one before';
    else
      text = html`${parts.map((part) =>
        part.kind === 'added' ? html`<ins>${part.text}</ins>` : part.kind === 'removed' ? html`<del>${part.text}</del>` : part.text,
      )}`;
  }
  return html`<div class="generation">
<p class="generation-meta">${seed === undefined ? '' : `Seed ${seed} · `}${position(fromEnd)} · step ${generation.step}${note ? ` · ${note}` : ''}</p>
<p class="generation-text">${text}${more > 0 ? html` <span class="generation-more">… ${more.toLocaleString('en')} more characters in the <a href="${download}">download</a></span>` : ''}</p>
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
  return html`<div class="generations">${groups.map((group) => {
    const { label, color } = group[0];
    return html`<div class="generations-run">
<p class="generations-label"><span class="swatch" style="background:${color}"></span> ${label}</p>
${group.map(({ generations, download, seed }) => {
  const sorted = [...generations].sort((a, b) => a.step - b.step);
  const shown = sorted.slice(-last).reverse();
  return html`${shown.length === 0 ? html`<p class="generation-meta">${seed === undefined ? '' : `Seed ${seed}: `}No generations kept.</p>` : ''}
${shown.map((generation, fromEnd) => generationHtml(generation, sorted[sorted.length - fromEnd - 2], fromEnd, download, seed))}`;
})}
</div>`;
  })}</div>`;
}
