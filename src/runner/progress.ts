// What `npm run train` shows while it trains: on a terminal, one progress bar
// per active run, redrawn in place; elsewhere (CI, a pipe, a log file) plain
// lines now and then, which read well in a log.
import type { JobResult, JobStart } from './job';
import type { JobEvent } from './job-events';
import type { PretrainProgress } from '../train/pretrain';
import type { TrainProgress } from '../train/run';

interface Active {
  label: string;
  start: JobStart;
  startedAt: number;
  /** The first progress seen in this process: the ETA is measured from it, after the reference model is ready. */
  first: { step: number; time: number } | null;
  last: TrainProgress | null;
  /** Pretraining of the reference model, when this run is the one doing it. */
  pretrain: PretrainProgress | null;
  lastLine: number;
}

/** Plain mode prints a run's progress about this often. */
const PLAIN_EVERY_MS = 30_000;
const PLAIN_EVERY_FRACTION = 0.1;
/** A terminal is redrawn at most this often. */
const REDRAW_MS = 100;
const BAR_WIDTH = 20;

export class ProgressDisplay {
  private readonly active = new Map<number, Active>();
  private drawnLines = 0;
  private lastDraw = 0;

  /**
   * @param labels one label per job, e.g. "kl-penalty-first beta=0.1"
   * @param tty redraw bars in place (a terminal) or print plain lines
   */
  constructor(
    private readonly out: NodeJS.WritableStream & { columns?: number },
    private readonly labels: string[],
    private readonly tty: boolean,
  ) {}

  handle(event: JobEvent, now = Date.now()): void {
    switch (event.type) {
      case 'start':
        return this.started(event.job, event.start, now);
      case 'pretrain':
        return this.pretraining(event.job, event.progress, now);
      case 'progress':
        return this.progressed(event.job, event.progress, now);
      case 'finish':
        return this.finished(event.job, event.result, now);
      case 'wait':
        return this.log(`${this.labels[event.job]}: ${event.note}`, now);
    }
  }

  /** A line above the bars (or just a line). */
  log(message: string, now = Date.now()): void {
    this.clear();
    this.out.write(`${message}\n`);
    this.draw(now, true);
  }

  /** Leaves the terminal clean: bars removed. */
  close(): void {
    this.clear();
  }

  private started(job: number, start: JobStart, now: number): void {
    const label = this.labels[job];
    this.active.set(job, { label, start, startedAt: now, first: null, last: null, pretrain: null, lastLine: now });
    const resumed = start.fromStep > 0 ? `, resuming after step ${start.fromStep}` : '';
    this.log(`${label}: run ${start.runId}${resumed}`, now);
  }

  private pretraining(job: number, progress: PretrainProgress, now: number): void {
    const run = this.active.get(job);
    if (!run) return;
    const previous = run.pretrain;
    run.pretrain = progress;
    this.update(run, previous?.step ?? null, progress, now);
  }

  private progressed(job: number, progress: TrainProgress, now: number): void {
    const run = this.active.get(job);
    if (!run) return;
    run.first ??= { step: progress.step, time: now };
    const previous = run.last;
    run.last = progress;
    this.update(run, previous?.step ?? null, progress, now);
  }

  /** Redraws the bars, or prints a plain line every tenth of the steps (or 30 s). */
  private update(run: Active, previousStep: number | null, progress: { step: number; total: number }, now: number): void {
    if (this.tty) return this.draw(now, false);
    const every = Math.max(1, Math.round(progress.total * PLAIN_EVERY_FRACTION));
    const crossed = previousStep === null || Math.floor(progress.step / every) > Math.floor(previousStep / every);
    if (crossed || progress.step === progress.total || now - run.lastLine >= PLAIN_EVERY_MS) {
      run.lastLine = now;
      this.out.write(`${statusLine(run, now)}\n`);
    }
  }

  private finished(job: number, result: JobResult, now: number): void {
    const run = this.active.get(job);
    this.active.delete(job);
    const label = this.labels[job];
    const took = run ? ` in ${duration(now - run.startedAt)}` : '';
    const error = result.error ? `: ${result.error}` : '';
    if (result.note) this.log(`${label}: ${result.note}`, now);
    else this.log(`${label}: ${result.status} at step ${result.stepsDone}${took}${error}`, now);
  }

  private clear(): void {
    if (!this.tty || this.drawnLines === 0) return;
    // \r first: a ^C echoed by the terminal leaves the cursor mid-line.
    this.out.write(`\r\x1b[${this.drawnLines}A\x1b[0J`);
    this.drawnLines = 0;
  }

  private draw(now: number, force: boolean): void {
    if (!this.tty || (!force && now - this.lastDraw < REDRAW_MS)) return;
    this.lastDraw = now;
    const width = (this.out.columns ?? 100) - 1;
    const lines = [...this.active.values()].map((run) => statusLine(run, now).slice(0, width));
    this.clear();
    this.out.write(lines.map((line) => `${line}\n`).join(''));
    this.drawnLines = lines.length;
  }
}

/** "kl-penalty-first beta=0.1  [#####-----]  75/150  reward 0.412  kl 3.21  eta 1m05s" */
export function statusLine(run: Pick<Active, 'label' | 'first' | 'last' | 'pretrain'>, now: number): string {
  const { label, first, last, pretrain } = run;
  if (!last && pretrain) {
    const parts = [label, bar(pretrain), `pretraining the reference model ${pretrain.step}/${pretrain.total}`, `loss ${format(pretrain.loss)}`];
    if (pretrain.heldOutLoss !== undefined) parts.push(`held-out ${format(pretrain.heldOutLoss)} (bound ${format(pretrain.bound)})`);
    return parts.join('  ');
  }
  if (!last) return `${label}  starting`;
  const parts = [label, bar(last), `${last.step}/${last.total}`];
  if (last.metrics.raw_reward !== undefined) parts.push(`reward ${format(last.metrics.raw_reward)}`);
  if (last.metrics.kl !== undefined) parts.push(`kl ${format(last.metrics.kl)}`);
  // Another program's metrics: the first two it logged.
  if (last.metrics.raw_reward === undefined) for (const [name, value] of Object.entries(last.metrics).slice(0, 2)) parts.push(`${name} ${format(value)}`);
  // A program that did not say its steps: no end to draw or reach.
  if (last.total <= 0) return [label, `step ${last.step}`, ...parts.slice(3)].join('  ');
  if (first && last.step > first.step) {
    const perStep = (now - first.time) / (last.step - first.step);
    parts.push(`eta ${duration(perStep * (last.total - last.step))}`);
  }
  return parts.join('  ');
}

function bar({ step, total }: { step: number; total: number }): string {
  const filled = Math.min(BAR_WIDTH, Math.round((BAR_WIDTH * step) / Math.max(1, total)));
  return `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}]`;
}

export function format(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (!Number.isFinite(value)) return String(value);
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

/** 65_000 -> "1m05s". */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
