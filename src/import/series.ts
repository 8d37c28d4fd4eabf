// Collects a run's scalar points as a source gives them, into series whose steps
// strictly increase (what a metrics.jsonl can hold), by TensorBoard's rule for a
// step that goes back: it is a restart, and the points logged at that step and
// after it before the restart are dropped (tensorboard's event_accumulator,
// _CheckForOutOfOrderStepAndMaybePurge). TensorBoard compares with the latest
// step of any tag and applies it to files older than version 2 only; a metrics
// file cannot hold a step twice, so here it applies to every source, per tag.
import type { ImportedSeries } from './imported-run';

export class SeriesBuilder {
  readonly series = new Map<string, ImportedSeries>();
  /** Points dropped by restarts, and where each restart went back to: for one warning per run. */
  readonly restarts: { tag: string; toStep: number; fromStep: number; dropped: number }[] = [];
  /** Points at a step a tag already had (logged twice at one step): the later value is kept. */
  replaced = 0;

  add(tag: string, step: number, value: number, time: number | null): void {
    let series = this.series.get(tag);
    if (!series) this.series.set(tag, (series = { steps: [], values: [], times: [] }));
    const n = series.steps.length;
    if (n > 0 && step === series.steps[n - 1]) {
      series.values[n - 1] = value;
      series.times[n - 1] = time;
      this.replaced++;
      return;
    }
    if (n > 0 && step < series.steps[n - 1]) this.dropFrom(tag, series, step);
    series.steps.push(step);
    series.values.push(value);
    series.times.push(time);
  }

  /** A restart of the whole run at `step` (TensorBoard's SessionLog.START after the first): every tag's points from `step` on are dropped. */
  restartAt(step: number): void {
    for (const [tag, series] of this.series) this.dropFrom(tag, series, step);
  }

  private dropFrom(tag: string, series: ImportedSeries, step: number): void {
    let keep = series.steps.length;
    while (keep > 0 && series.steps[keep - 1] >= step) keep--;
    const dropped = series.steps.length - keep;
    if (dropped === 0) return;
    this.restarts.push({ tag, toStep: step, fromStep: series.steps[series.steps.length - 1], dropped });
    series.steps.length = keep;
    series.values.length = keep;
    series.times.length = keep;
  }

  /** One line per run about its restarts, or none: "steps went back 1 time (to step 90 from 99): dropped 10 points of 1 tag logged before". */
  restartWarnings(): string[] {
    if (this.restarts.length === 0) return [];
    const jumps = [...new Set(this.restarts.map((r) => `${r.toStep} from ${r.fromStep}`))];
    const tags = new Set(this.restarts.map((r) => r.tag)).size;
    const dropped = this.restarts.reduce((sum, r) => sum + r.dropped, 0);
    const shown = jumps.slice(0, 3).map((jump) => `to step ${jump}`).join(', ') + (jumps.length > 3 ? `, ...` : '');
    return [
      `steps went back ${jumps.length === 1 ? 'once' : `${jumps.length} times`} (${shown}), as a restarted run's do: ` +
        `dropped the ${dropped} point${dropped === 1 ? '' : 's'} of ${tags} tag${tags === 1 ? '' : 's'} logged at those steps before the restart, as TensorBoard does`,
    ];
  }
}
