// The table of a sweep's runs: id (linked to its page), the varied value,
// color, status, steps done and final metrics (each run's final value, as
// :value and ::final give it: src/charts/final.ts); with several seeds, one row
// per value with its seeds' runs linked and each metric's mean and range. A
// value with nothing drawn keeps its row, saying why. Shared by ::runs and the sweep
// page, which also lists the runs it does not draw in a plainer table.
import type { ConfigDifference, ParamValue, Run, RunMetrics } from '../runs';
import { meanOfLast10Pct } from '../charts/final';
import { metricInfo } from '../charts/metrics';
import { metricsOf, seriesOf } from '../site/run-data';
import { acrossSeeds } from '../charts/seed-bands';
import { isMissing, type MissingValue, type SweepRun, type SweepValue, type ValueRuns } from '../site/sweep-runs';
import { html, type SafeHtml } from './html';

/** The final metrics the table shows of sweepbook's own runs, when they logged them. */
const FINAL_METRICS = ['raw_reward', 'kl', 'total_reward', 'repetition', 'diversity'];
/** How many metrics a table shows of runs that logged none of FINAL_METRICS (imported ones): a phone scrolls more. */
const OTHER_METRICS_SHOWN = 6;

/**
 * The metrics a table shows: those asked for (::runs' metrics="..."), else those
 * of FINAL_METRICS the runs logged, else the first few the runs logged, in the
 * order they were first logged.
 */
function tableMetrics(finals: RunMetrics[], asked: string[] | undefined): string[] {
  if (asked) return asked;
  const known = FINAL_METRICS.filter((metric) => finals.some((lines) => finalOf(lines, metric) !== null));
  if (known.length > 0) return known;
  return [...new Set(finals.flatMap((lines) => [...lines.series.keys()]))].slice(0, OTHER_METRICS_SHOWN);
}

/** A run's final value of a metric, as every table, figure and inline value gives it. */
function finalOf(metrics: RunMetrics, metric: string): number | null {
  return meanOfLast10Pct(seriesOf(metrics, metric));
}

export function formatNumber(value: number | undefined): string {
  if (value === undefined) return '–';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(2);
  return Number(value.toPrecision(3)).toString();
}

export function runsTableHtml(values: SweepValue[], vary: string, base = '/', asked?: string[]): SafeHtml {
  const drawn = values.filter((value): value is ValueRuns => !isMissing(value));
  if (drawn.some((value) => value.runs.length > 1)) return seededRunsTableHtml(values, vary, base, asked);
  const runs = drawn.map((value) => value.runs[0]);
  const metrics = tableMetrics(runs.map(({ run }) => metricsOf(run)), asked);
  const rows = values.map((value) => {
    if (isMissing(value)) return missingRow(value, metrics);
    const { run, color } = value.runs[0];
    const finals = metricsOf(run);
    const { id, status, steps_done, total_steps } = run.info;
    return html`<tr>
<td class="run-id"><a href="${base}runs/${id}/">${id}</a></td>
<td class="num">${String(value.value)}</td>
<td class="color"><span class="swatch" style="background:${color}"></span> ${color}</td>
<td><span class="status status-${status}">${status}</span></td>
<td class="num">${steps_done}/${total_steps}</td>
${metrics.map((metric) => html`<td class="num">${formatNumber(finalOf(finals, metric) ?? undefined)}</td>`)}
</tr>`;
  });
  return html`<div class="table-scroll"><table class="runs-table">
${tableCaption(runs, metrics.length > 0 ? "Metrics are each run's mean over its last 10% of steps." : '')}
<thead><tr><th scope="col">Run</th><th scope="col" class="num">${vary}</th><th scope="col">Color</th><th scope="col">Status</th><th scope="col" class="num">Steps</th>${metrics.map(metricHead)}</tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
}

/**
 * The table for values trained with several seeds: one row per value, its
 * seeds' runs linked, and each final metric as the mean over the seeds with
 * their range, as inline values write it.
 */
function seededRunsTableHtml(values: SweepValue[], vary: string, base: string, asked: string[] | undefined): SafeHtml {
  const runs = values.flatMap((value) => (isMissing(value) ? [] : value.runs));
  const metrics = tableMetrics(runs.map(({ run }) => metricsOf(run)), asked);
  const rows = values.map((value) => {
    if (isMissing(value)) return missingRow(value, metrics);
    const finals = value.runs.map(({ run }) => metricsOf(run));
    const statuses = [...new Set(value.runs.map(({ run }) => run.info.status))];
    const steps = [...new Set(value.runs.map(({ run }) => `${run.info.steps_done}/${run.info.total_steps}`))];
    return html`<tr>
<td class="seed-runs">${value.runs.map(({ run, seed }, i) => html`${i > 0 ? ', ' : ''}<a href="${base}runs/${run.info.id}/" title="${run.info.id}" aria-label="Run of seed ${seed}">${seed}</a>`)}</td>
<td class="num">${String(value.value)}</td>
<td class="color"><span class="swatch" style="background:${value.color}"></span> ${value.color}</td>
<td>${statuses.map((status, i) => html`${i > 0 ? ' ' : ''}<span class="status status-${status}">${status}</span>`)}</td>
<td class="num">${steps.join(', ')}</td>
${metrics.map((metric) => html`<td class="num spread-cell">${spreadText(finals.map((lines) => finalOf(lines, metric)))}</td>`)}
</tr>`;
  });
  return html`<div class="table-scroll"><table class="runs-table seeded-runs">
${tableCaption(
  runs,
  metrics.length > 0 ? "Metrics are each run's mean over its last 10% of steps, averaged over the value's seeds, their lowest to highest in brackets." : '',
)}
<thead><tr><th scope="col">Runs by seed</th><th scope="col" class="num">${vary}</th><th scope="col">Color</th><th scope="col">Status</th><th scope="col" class="num">Steps</th>${metrics.map(metricHead)}</tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
}

/** A value nothing is drawn for keeps its row, saying why ("not trained yet", "failed"), so a reader sees the sweep is not complete. */
function missingRow({ value, color, state }: MissingValue, metrics: string[]): SafeHtml {
  return html`<tr class="missing-value">
<td>–</td>
<td class="num">${String(value)}</td>
<td class="color"><span class="swatch" style="background:${color}"></span> ${color}</td>
<td><span class="status status-${state.replaceAll(' ', '-')}">${state}</span></td>
<td class="num">–</td>
${metrics.map(() => html`<td class="num">${formatNumber(undefined)}</td>`)}
</tr>`;
}

/**
 * A metric's column head: its display name and unit (src/charts/metrics.ts),
 * and the logged name a directive's metric="..." takes, for a metric that has
 * another display name.
 */
function metricHead(metric: string): SafeHtml {
  const { name, unit } = metricInfo(metric);
  return html`<th scope="col" class="num metric">${name}${unit ? html` <span class="unit">(${unit})</span>` : ''}${
    name !== metric ? html` <code>${metric}</code>` : ''
  }</th>`;
}

/** The table's caption: which runs are still training, so their numbers are where they are now, and what the metrics are. */
function tableCaption(runs: SweepRun[], metricsNote: string): SafeHtml | string {
  const note = [runningNote(runs), metricsNote].filter(Boolean).join(' ');
  return note ? html`<caption>${note}</caption>` : '';
}

/** "Still training: beta=10 (step 40 of 150)." for the runs shown while a trainer writes them, or ''. */
export function runningNote(runs: SweepRun[]): string {
  const running = runs.filter(({ run }) => run.info.status === 'running');
  if (running.length === 0) return '';
  const seeds = new Set(runs.map(({ seed }) => seed)).size > 1;
  return `Still training: ${running
    .map(({ run, label, seed }) => `${label}${seeds ? ` seed ${seed}` : ''} (step ${run.info.steps_done} of ${run.info.total_steps})`)
    .join(', ')}.`;
}

/** "527 (510–537)": the mean over seeds and their range; one seed's number alone. */
export function spreadText(values: (number | null)[]): SafeHtml | string {
  const spread = acrossSeeds(values);
  if (!spread) return formatNumber(undefined);
  if (spread.seeds === 1) return formatNumber(spread.mean);
  return html`${formatNumber(spread.mean)} <span class="spread">(${formatNumber(spread.min)}–${formatNumber(spread.max)})</span>`;
}

/** A run listed but not drawn, with a note (e.g. how its config differs). */
export interface ListedRun {
  run: Run;
  value: ParamValue;
  note?: string;
}

/**
 * Runs listed with their status, not drawn: id (which says when it started),
 * value, seed (when they differ in it), status, steps, and the note's column
 * when titled.
 */
export function listedRunsTableHtml(rows: ListedRun[], vary: string, noteTitle?: string, base = '/'): SafeHtml {
  const seeds = new Set(rows.map(({ run }) => run.info.seed)).size > 1;
  return html`<div class="table-scroll"><table class="runs-table listed-runs">
<thead><tr><th scope="col">Run</th><th scope="col" class="num">${vary}</th>${seeds ? html`<th scope="col" class="num">seed</th>` : ''}<th scope="col">Status</th><th scope="col" class="num">Steps</th>${
    noteTitle ? html`<th scope="col">${noteTitle}</th>` : ''
  }</tr></thead>
<tbody>${rows.map(({ run, value, note }) => {
    const { id, status, steps_done, total_steps } = run.info;
    return html`<tr>
<td class="run-id"><a href="${base}runs/${id}/">${id}</a></td>
<td class="num">${String(value)}</td>
${seeds ? html`<td class="num">${run.info.seed}</td>` : ''}
<td><span class="status status-${status}">${status}</span></td>
<td class="num">${steps_done}/${total_steps}</td>
${noteTitle ? html`<td class="config-differences">${note ?? ''}</td>` : ''}
</tr>`;
  })}</tbody>
</table></div>`;
}

/** How a run's config differs from the sweep file's: `embed_dim 16 (now 64), ...`. */
export function describeDifferences(differences: ConfigDifference[]): string {
  const show = (value: unknown) => (value === undefined ? 'unset' : JSON.stringify(value));
  return differences.map(({ key, recorded, now }) => `${key} ${show(recorded)} (now ${show(now)})`).join(', ');
}
