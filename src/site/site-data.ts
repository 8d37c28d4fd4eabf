// What the pages list: sweeps from the sweep files, runs from the runs folder.
import { findSweepFile, listRuns, loadSweep, loadSweeps, type Run, type Sweep } from '../runs';
import { runsDir, sweepsDir } from './dirs';
import { sweepColor, type SweepRun } from './sweep-runs';

export function allSweeps(): Sweep[] {
  return loadSweeps(sweepsDir());
}

/** Whether a sweep file defines this sweep, so it has a page; found without parsing every sweep file (once per run page). */
export function hasSweepFile(id: string): boolean {
  return findSweepFile(sweepsDir(), id) !== null;
}

export function allRuns(): Run[] {
  return listRuns(runsDir());
}

/** A run shown on its own, labelled as its run.json says, in its value's color in its sweep (as the sweep's pages draw it). */
export function asSweepRun(run: Run): SweepRun {
  const [value] = Object.values(run.info.params);
  const { label, color } = run.info;
  return { run, value: value ?? '', label, color, themed: sweepColor(sweepOfRun(run), label, color), seed: run.info.seed };
}

/** The sweep a run recorded, if its sweep file is there and reads. */
function sweepOfRun(run: Run): Sweep | undefined {
  const file = findSweepFile(sweepsDir(), run.info.sweep);
  try {
    return file ? loadSweep(file) : undefined;
  } catch {
    return undefined; // the sweep's own page reports a broken sweep file
  }
}
