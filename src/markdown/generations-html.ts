// Kept generations of runs, newest first, each marked where it differs from
// the generation before it. Shared by ::generations and the run page.
// Generation text is data: it only ever reaches the page escaped.
import type { GenerationLine } from '../runs';
import { html, type SafeHtml } from './html';
import { similarity, wordDiff } from './word-diff';

export interface RunGenerations {
  label: string;
  color: string;
  generations: GenerationLine[];
}

/** Below this share of common words, marking the differences shows only noise. */
const MARK_SIMILARITY = 0.5;

const ORDINALS = ['Last', 'Second-to-last', 'Third-to-last'];

function position(fromEnd: number): string {
  const n = fromEnd + 1;
  const suffix = n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return ORDINALS[fromEnd] ?? `${n}${suffix}-to-last`;
}

function generationHtml(generation: GenerationLine, previous: GenerationLine | undefined, fromEnd: number): SafeHtml {
  let text: SafeHtml | string = generation.text;
  let note = '';
  if (previous) {
    const parts = wordDiff(previous.text, generation.text);
    const shared = similarity(parts);
    if (shared === 1) note = 'same as the one before';
    else if (shared < MARK_SIMILARITY) note = 'unlike the one before';
    else
      text = html`${parts.map((part) =>
        part.kind === 'added' ? html`<ins>${part.text}</ins>` : part.kind === 'removed' ? html`<del>${part.text}</del>` : part.text,
      )}`;
  }
  return html`<div class="generation">
<p class="generation-meta">${position(fromEnd)} · step ${generation.step}${note ? ` · ${note}` : ''}</p>
<p class="generation-text">${text}</p>
</div>`;
}

/** Each run's last `last` kept generations (all of them when `last` is Infinity). */
export function generationsHtml(runs: RunGenerations[], last: number): SafeHtml {
  return html`<div class="generations">${runs.map(({ label, color, generations }) => {
    const sorted = [...generations].sort((a, b) => a.step - b.step);
    const shown = sorted.slice(-last).reverse();
    return html`<div class="generations-run">
<p class="generations-label"><span class="swatch" style="background:${color}"></span> ${label}</p>
${shown.length === 0 ? html`<p class="generation-meta">No generations kept.</p>` : ''}
${shown.map((generation, fromEnd) => generationHtml(generation, sorted[sorted.length - fromEnd - 2], fromEnd))}
</div>`;
  })}</div>`;
}
