// The runs a sweep page or directive shows: one per sweep value, in the
// order the sweep file lists them, labelled and colored as it says.
import { runsOfSweep, type ParamValue, type Run, type Sweep } from '../runs';

export interface SweepRun {
  run: Run;
  value: ParamValue;
  label: string;
  color: string;
}

/**
 * One run per sweep value, in sweep order. When a value was trained more than
 * once (e.g. with --fresh), the newest run stands for it; values not trained
 * yet are left out.
 */
export function sweepRuns(sweep: Sweep, runsDir: string): SweepRun[] {
  const runs = runsOfSweep(runsDir, sweep.id);
  const shown: SweepRun[] = [];
  for (const { value, label, color } of sweep.values) {
    const matching = runs.filter((run) => run.info.params[sweep.vary] === value);
    const newest = matching.at(-1);
    if (newest) shown.push({ run: newest, value, label, color });
  }
  return shown;
}

/** The sweep with this id, or undefined. */
export function findSweep(sweeps: Sweep[], id: string): Sweep | undefined {
  return sweeps.find((sweep) => sweep.id === id);
}
