// What the pages list: sweeps from the sweep files, runs from the runs folder.
import { findSweepFile, listRuns, loadSweeps, type Run, type Sweep } from '../runs';
import { runsDir, sweepsDir } from './dirs';
import type { SweepRun } from './sweep-runs';

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

/** A run shown on its own, labelled and colored as its run.json says. */
export function asSweepRun(run: Run): SweepRun {
  const [value] = Object.values(run.info.params);
  return { run, value: value ?? '', label: run.info.label, color: run.info.color, seed: run.info.seed };
}
