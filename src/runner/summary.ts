// The table printed when `npm run train` ends: every run of the plan with its
// final metrics, then what to do next.
import { readMetrics } from '../runs';
import { format } from './progress';

export interface SummaryRow {
  label: string;
  /**
   * completed, failed, interrupted, "not started", "done before" (completed
   * before this invocation trained it), or "in another process" (another
   * trainer has it).
   */
  status: string;
  runId: string | null;
  dir: string | null;
  error: string | null;
  /** Why nothing was trained, when that is not an error. */
  note: string | null;
}

/** The built-in trainer's headline metrics; another program's runs show the first three they logged. */
const METRICS = ['raw_reward', 'kl', 'repetition'];

export function summaryTable(rows: SummaryRow[]): string {
  const lasts = rows.map((row) => (row.dir ? readMetrics(row.dir, () => {}).at(-1) : undefined));
  const logged = lasts.find((last) => last !== undefined);
  const metrics = !logged || 'raw_reward' in logged ? METRICS : Object.keys(logged).filter((key) => key !== 'step' && key !== 'time').slice(0, 3);
  const header = ['run', 'status', 'step', ...metrics, 'id'];
  const body = rows.map((row, i) => {
    const last = lasts[i];
    return [row.label, row.status, last ? String(last.step) : '-', ...metrics.map((m) => format(last?.[m])), row.runId ?? '-'];
  });
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((cells) => cells[i].length)));
  return [header, ...body].map((cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/**
 * What to run next, given how it went; `buildEnv` is what the build needs
 * before it, e.g. "SWEEPBOOK_QUICK=1 RUNS_DIR=/tmp/x ", `resume` the command
 * that resumes unfinished runs.
 */
export function nextSteps(rows: SummaryRow[], buildEnv: string, resume = 'npm run train'): string {
  const lines: string[] = [];
  for (const row of rows.filter((r) => r.note)) lines.push(`${row.label}: ${row.note}`);
  for (const row of rows.filter((r) => r.error)) lines.push(`${row.label} failed: ${row.error}`);
  if (rows.some((r) => !['completed', 'done before', 'in another process'].includes(r.status))) {
    lines.push(`To resume the unfinished runs from their last checkpoint: ${resume}`);
  }
  lines.push(`Next: ${buildEnv}npm run build    # the report site, from the runs`);
  lines.push(`      npm run preview  # serve it`);
  return lines.join('\n');
}
