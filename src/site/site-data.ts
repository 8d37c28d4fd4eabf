// What the pages list: sweeps from the sweep files, runs from the runs folder.
import { findSweepFile, listRuns, loadSweep, loadSweeps, runsSnapshotted, type Run, type Sweep } from '../runs';
import { runsDir, sweepsDir } from './dirs';
import { sweepColor, type SweepRun } from './sweep-runs';

/**
 * In a build, sweep files are read once (every run page asks; a sweep of
 * 1,000 values took a quarter second to read); `npm run dev` reads them anew.
 */
const built = new Map<string, unknown>();
function once<T>(key: string, read: () => T): T {
  if (!runsSnapshotted()) return read();
  if (!built.has(key)) built.set(key, read());
  return built.get(key) as T;
}

export function allSweeps(): Sweep[] {
  return once(`sweeps:${sweepsDir()}`, () => loadSweeps(sweepsDir()));
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
  const sweep = sweepOfRun(run);
  const { label, color, params } = run.info;
  const value = (sweep ? params[sweep.vary] : Object.values(params)[0]) ?? '';
  return { run, value, params, label, color, themed: sweepColor(sweep, label, color), seed: run.info.seed };
}

/** The sweep a run recorded, if its sweep file is there and reads. */
function sweepOfRun(run: Run): Sweep | undefined {
  const file = findSweepFile(sweepsDir(), run.info.sweep);
  return once(`sweep:${file}`, () => {
    try {
      return file ? loadSweep(file) : undefined;
    } catch {
      return undefined; // the sweep's own page reports a broken sweep file
    }
  });
}
