// What a sweep's reference model is: the model every run starts from and the
// KL penalty holds it to. Its held-out loss against the lowest loss any model
// can reach on the same stories (the story generator's own), and a few stories
// it wrote, all read from the runs' run.json. Shared by ::reference and the
// sweep page.
import type { ReferenceSample, RunReference } from '../runs';
import type { SweepRun } from '../site/sweep-runs';
import { formatNumber } from './runs-table';
import { html, type SafeHtml } from './html';

/** The distinct reference models of these runs (by cache key), in run order; runs trained before they were recorded have none. */
export function referencesOf(runs: SweepRun[]): RunReference[] {
  const byHash = new Map<string, RunReference>();
  for (const { run } of runs) if (run.info.reference) byHash.set(run.info.reference.hash, run.info.reference);
  return [...byHash.values()];
}

/** How the reference scores on the run's own metrics, over a large sample: "raw reward 144 (± 1.9; a step's value scatters by 15)". */
function sampleHtml(sample: ReferenceSample): SafeHtml {
  const rows: [string, keyof Omit<ReferenceSample, 'samples' | 'batch'>][] = [
    ['raw reward', 'raw_reward'],
    ['repetition', 'repetition'],
    ['diversity', 'diversity'],
    ['fluency (nats/token)', 'fluency'],
    ['grammatical', 'grammatical'],
  ];
  return html`<p>On its own metrics, as a run's first step measures them, over ${sample.samples.toLocaleString('en-US')} samples (${sample.samples / sample.batch} steps of ${sample.batch}):</p>
<div class="table-scroll narrow"><table class="reference-sample-table">
<thead><tr><th scope="col">metric</th><th scope="col" class="num">mean</th><th scope="col" class="num">± standard error</th><th scope="col" class="num">one step's scatter (sd)</th></tr></thead>
<tbody>${rows.map(([name, key]) => html`<tr><td>${name}</td><td class="num">${formatNumber(sample[key].mean)}</td><td class="num">${formatNumber(sample[key].se)}</td><td class="num">${formatNumber(sample[key].step_sd)}</td></tr>`)}</tbody>
</table></div>`;
}

export function referenceHtml(reference: RunReference): SafeHtml {
  const { held_out_loss: loss, bound, held_out_stories, pretrain_seconds, samples } = reference;
  return html`<div class="reference">
<p>Reference model <code>${reference.hash}</code>: on ${held_out_stories} held-out stories, read whole from their start,
its loss is <strong>${formatNumber(loss)} nats/token</strong> (perplexity ${formatNumber(Math.exp(loss))}),
against <strong>${formatNumber(bound)}</strong> for the story generator itself, the lowest any model can reach:
${formatNumber(loss - bound)} above it. Pretrained in ${Math.round(pretrain_seconds)} s. Stories it wrote:</p>
${samples.map((story) => html`<blockquote class="reference-sample"><p>${story}</p></blockquote>`)}
${reference.sample ? sampleHtml(reference.sample) : ''}
</div>`;
}
