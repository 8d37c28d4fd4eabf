// What a sweep's reference model is: the model every run starts from and the
// KL penalty holds it to. Its held-out loss against the lowest loss any model
// can reach on the same stories (the story generator's own), and a few stories
// it wrote, all read from the runs' run.json. Shared by ::reference and the
// sweep page.
import type { RunReference } from '../runs';
import type { SweepRun } from '../site/sweep-runs';
import { formatNumber } from './runs-table';
import { html, type SafeHtml } from './html';

/** The distinct reference models of these runs (by cache key), in run order; runs trained before they were recorded have none. */
export function referencesOf(runs: SweepRun[]): RunReference[] {
  const byHash = new Map<string, RunReference>();
  for (const { run } of runs) if (run.info.reference) byHash.set(run.info.reference.hash, run.info.reference);
  return [...byHash.values()];
}

export function referenceHtml(reference: RunReference): SafeHtml {
  const { held_out_loss: loss, bound, held_out_stories, pretrain_seconds, samples } = reference;
  return html`<div class="reference">
<p>Reference model <code>${reference.hash}</code>: on ${held_out_stories} held-out stories, read whole from their start,
its loss is <strong>${formatNumber(loss)} nats/token</strong> (perplexity ${formatNumber(Math.exp(loss))}),
against <strong>${formatNumber(bound)}</strong> for the story generator itself, the lowest any model can reach:
${formatNumber(loss - bound)} above it. Pretrained in ${Math.round(pretrain_seconds)} s. Stories it wrote:</p>
${samples.map((story) => html`<blockquote class="reference-sample"><p>${story}</p></blockquote>`)}
</div>`;
}
