// A sweep's runs and how each metric ended, as one CSV (the sweep page's
// final-metrics.csv): every run of the sweep, drawn or only listed, with four
// numbers of each metric, headed so that none passes for another: the last
// logged value (shown nowhere else), the final value (the mean of the last
// 10% of steps, as tables, ::final and :value give it), and how much that
// still moved over the last 20% of steps with the noise floor of that change
// (as fractions, as :value's stat="change" and "noise"), so a reader can tell
// which runs had settled across a whole sweep.
import { changeNoiseOf, changeOf, lastLoggedValue, meanOfLast10Pct } from '../charts/final';
import type { ParamValue, Sweep } from '../runs';
import { toCsv, type CsvCell } from './csv';
import { metricsOf, metricsOfRuns, seriesOf } from './run-data';
import type { ListedSweepRuns, SweepRun } from './sweep-runs';

/** How the sweep page lists a run: drawn in figures, a unit's run not drawn, or a run of another config. */
type Listing = 'drawn' | 'not drawn' | 'other config';

export function sweepFinalsCsv(sweep: Sweep, listed: ListedSweepRuns): string {
  const rows: [SweepRun, Listing][] = [
    ...listed.drawn.map((run): [SweepRun, Listing] => [run, 'drawn']),
    ...listed.notDrawn.map((run): [SweepRun, Listing] => [run, 'not drawn']),
    ...listed.otherConfig.map((run): [SweepRun, Listing] => [run, 'other config']),
  ];
  const metrics = metricsOfRuns(rows.map(([{ run }]) => run));
  const header = ['run', 'trained_for', ...sweep.varied, 'label', 'seed', 'listed', 'status', 'steps_done', 'total_steps'];
  for (const metric of metrics) header.push(`${metric}_last_logged`, `${metric}_final_mean_last_10pct`, `${metric}_change`, `${metric}_change_noise_floor`);
  return toCsv([
    header,
    ...rows.map(([{ run, params, label, seed }, listing]) => {
      const logged = metricsOf(run);
      const cells: CsvCell[] = [run.info.id, run.info.sweep, ...sweep.varied.map((name) => csvParam(params[name])), label, seed, listing, run.info.status, run.info.steps_done, run.info.total_steps];
      for (const metric of metrics) {
        const series = seriesOf(logged, metric);
        cells.push(lastLoggedValue(series), meanOfLast10Pct(series), changeOf(series), changeNoiseOf(series));
      }
      return cells;
    }),
  ]);
}

/** A param's cell: true/false as text; a param a listed run did not record, empty. */
function csvParam(value: ParamValue | undefined): CsvCell {
  return value === undefined ? '' : typeof value === 'boolean' ? String(value) : value;
}
