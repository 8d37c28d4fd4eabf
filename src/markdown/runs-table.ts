// The table of a sweep's runs: id (linked to its page), the varied value,
// color, status, steps done and final metrics (each run's final value, as
// :value and ::final give it: src/charts/final.ts); with several seeds, one row
// per value with its seeds' runs linked and each metric's mean and range. A
// value with nothing drawn keeps its row, saying why. Shared by ::runs and the sweep
// page, which also lists the runs it does not draw in a plainer table.
import type { ConfigDifference, ParamValue, Run, RunMetrics } from '../runs';
import { meanOfLast10Pct } from '../charts/final';
import { metricInfo } from '../charts/metrics';
import { MAX_DISTINCT_COLORS, swatchStyle } from '../charts/palette';
import type { ThemedColor } from '../charts/contrast';
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

/** `varied`: the sweep's varied params, the colored one first: a column each. */
export function runsTableHtml(values: SweepValue[], varied: string[], base = '/', asked?: string[]): SafeHtml {
  const drawn = values.filter((value): value is ValueRuns => !isMissing(value));
  if (drawn.some((value) => value.runs.length > 1)) return seededRunsTableHtml(values, varied, base, asked);
  const runs = drawn.map((value) => value.runs[0]);
  const ramp = values.length > MAX_DISTINCT_COLORS;
  const metrics = tableMetrics(runs.map(({ run }) => metricsOf(run)), asked);
  const rows = values.map((value) => {
    if (isMissing(value)) return missingRow(value, varied, metrics, ramp);
    const { run, color, themed } = value.runs[0];
    const finals = metricsOf(run);
    const { id, status, steps_done, total_steps } = run.info;
    return html`<tr>
<td class="run-id"><a href="${base}runs/${encodeURIComponent(id)}/">${id}</a></td>
${paramCells(value.params, varied, themed)}
${colorCell(themed, color, ramp)}
${statusCell(html`<span class="status status-${status}">${status}</span>`, `${steps_done}/${total_steps}`)}
${metrics.map((metric) => metricCell(finalOf(finals, metric)))}
</tr>`;
  });
  return html`<div class="table-scroll"><table class="runs-table">
<thead><tr><th scope="col">Run</th>${headsBeforeMetrics(varied)}${metrics.map(metricHead)}</tr></thead>
<tbody>${rows}</tbody>
</table></div>${tableNote(runs, metrics.length > 0 ? "Metrics are each run's mean over its last 10% of steps." : '')}`;
}

/**
 * The table for values trained with several seeds: one row per value, its
 * seeds' runs linked, and each final metric as the mean over the seeds with
 * their range, as inline values write it.
 */
function seededRunsTableHtml(values: SweepValue[], varied: string[], base: string, asked: string[] | undefined): SafeHtml {
  const runs = values.flatMap((value) => (isMissing(value) ? [] : value.runs));
  const ramp = values.length > MAX_DISTINCT_COLORS;
  const metrics = tableMetrics(runs.map(({ run }) => metricsOf(run)), asked);
  const rows = values.map((value) => {
    if (isMissing(value)) return missingRow(value, varied, metrics, ramp);
    const finals = value.runs.map(({ run }) => metricsOf(run));
    const statuses = [...new Set(value.runs.map(({ run }) => run.info.status))];
    const steps = [...new Set(value.runs.map(({ run }) => `${run.info.steps_done}/${run.info.total_steps}`))];
    return html`<tr>
<td class="seed-runs">${value.runs.map(({ run, seed }, i) => html`${i > 0 ? ', ' : ''}<a href="${base}runs/${encodeURIComponent(run.info.id)}/" title="${run.info.id}" aria-label="Run of seed ${seed}">${seed}</a>`)}</td>
${paramCells(value.params, varied, value.themed)}
${colorCell(value.themed, value.color, ramp)}
${statusCell(statuses.map((status, i) => html`${i > 0 ? ' ' : ''}<span class="status status-${status}">${status}</span>`), steps.join(', '))}
${metrics.map((metric) => spreadCell(finals.map((lines) => finalOf(lines, metric))))}
</tr>`;
  });
  return html`<div class="table-scroll"><table class="runs-table seeded-runs" data-rows="${varied.length > 1 ? 'points' : 'values'}">
<thead><tr><th scope="col">Runs by seed</th>${headsBeforeMetrics(varied)}${metrics.map(metricHead)}</tr></thead>
<tbody>${rows}</tbody>
</table></div>${tableNote(
    runs,
    metrics.length > 0 ? "Metrics are each run's mean over its last 10% of steps, averaged over the value's seeds, their lowest to highest in brackets." : '',
  )}`;
}

/**
 * A metric's cell: its number as the table writes it (3 digits), and the
 * number to sort by (runs-table.client.ts) in data-sort, to 6 digits, so rows
 * the table rounds alike still sort apart.
 */
function metricCell(value: number | null): SafeHtml {
  if (value === null) return html`<td class="num">${formatNumber(undefined)}</td>`;
  return html`<td class="num" data-sort="${sortKey(value)}">${formatNumber(value)}</td>`;
}

/** With several seeds, a metric's cell sorts by the mean over the seeds. */
function spreadCell(values: (number | null)[]): SafeHtml {
  const spread = acrossSeeds(values);
  return html`<td class="num spread-cell"${spread ? html` data-sort="${sortKey(spread.mean)}"` : ''}>${spreadText(values)}</td>`;
}

export function sortKey(value: number): string {
  return String(Number(value.toPrecision(6)));
}

/** A value nothing is drawn for keeps its row, saying why ("not trained yet", "failed"), so a reader sees the sweep is not complete. */
function missingRow({ params, color, themed, state }: MissingValue, varied: string[], metrics: string[], ramp: boolean): SafeHtml {
  return html`<tr class="missing-value">
<td>–</td>
${paramCells(params, varied, themed)}
${colorCell(themed, color, ramp)}
${statusCell(html`<span class="status status-${state.replaceAll(' ', '-')}">${state}</span>`, undefined)}
${metrics.map(() => html`<td class="num">${formatNumber(undefined)}</td>`)}
</tr>`;
}

/*
 * On a phone the columns before the metrics take what room they need, so the
 * first metric shows beside the value (site.css): the value's swatch goes
 * into its cell instead of the Color column, and the steps under the status
 * instead of the Steps column. Each is written in both places; CSS shows one.
 */

/** The heads of the params', color, status and steps columns. */
function headsBeforeMetrics(varied: string[]): SafeHtml {
  return html`${varied.map((name) => html`<th scope="col" class="num">${name}</th>`)}<th scope="col" class="color">Color</th><th scope="col">Status</th><th scope="col" class="num steps">Steps</th>`;
}

/**
 * The Color column: the value's swatch and the color its sweep file names;
 * past MAX_DISTINCT_COLORS values the swatch alone, as their colors are the
 * ramp's (palette.ts), not the file's.
 */
function colorCell(color: ThemedColor, name: string, ramp: boolean): SafeHtml {
  return html`<td class="color"><span class="swatch" style="${swatchStyle(color)}"></span>${ramp ? '' : ` ${name}`}</td>`;
}

/** The point's params: the colored one first, its swatch before it (shown on phones), then the others. */
function paramCells(params: Record<string, ParamValue>, varied: string[], color: ThemedColor): SafeHtml {
  const [colored, ...others] = varied;
  return html`<td class="num value"><span class="swatch" style="${swatchStyle(color)}"></span>${String(params[colored] ?? '')}</td>${others.map(
    (name) => html`<td class="num">${String(params[name] ?? '')}</td>`,
  )}`;
}

/** The status cell, the steps under it (shown on phones), then the Steps column's cell; a value with no run has no steps. */
function statusCell(status: SafeHtml | SafeHtml[], steps: string | undefined): SafeHtml {
  return html`<td class="status-cell">${status}${steps === undefined ? '' : html`<span class="steps-under">${steps}</span>`}</td>
<td class="num steps">${steps ?? formatNumber(undefined)}</td>`;
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

/**
 * The note under the table: which runs are still training, so their numbers
 * are where they are now, and what the metrics are. Below the table's box,
 * not a <caption> in it: a caption is as wide as the table, so on a phone it
 * ran off the screen with the columns.
 */
function tableNote(runs: SweepRun[], metricsNote: string): SafeHtml | string {
  const note = [runningNote(runs), metricsNote].filter(Boolean).join(' ');
  return note ? html`<p class="table-note">${note}</p>` : '';
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
  params: Record<string, ParamValue>;
  note?: string;
}

/**
 * Runs listed with their status, not drawn: id (which says when it started),
 * value, seed (when they differ in it), status, steps, and the note's column
 * when titled.
 */
export function listedRunsTableHtml(rows: ListedRun[], varied: string[], noteTitle?: string, base = '/'): SafeHtml {
  const seeds = new Set(rows.map(({ run }) => run.info.seed)).size > 1;
  return html`<div class="table-scroll"><table class="runs-table listed-runs">
<thead><tr><th scope="col">Run</th>${varied.map((name) => html`<th scope="col" class="num">${name}</th>`)}${seeds ? html`<th scope="col" class="num">seed</th>` : ''}<th scope="col">Status</th><th scope="col" class="num">Steps</th>${
    noteTitle ? html`<th scope="col">${noteTitle}</th>` : ''
  }</tr></thead>
<tbody>${rows.map(({ run, params, note }) => {
    const { id, status, steps_done, total_steps } = run.info;
    return html`<tr>
<td class="run-id"><a href="${base}runs/${encodeURIComponent(id)}/">${id}</a></td>
${varied.map((name) => html`<td class="num">${String(params[name] ?? '')}</td>`)}
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
