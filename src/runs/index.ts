// The run-folder format: the only module that knows the files inside a run folder.
export * from './schema';
export { RunFormatError, RunWriteError, SweepFileError } from './errors';
export { newRunId, createRunDir, makeRunsDir } from './ids';
export { Reservoir, type ReservoirState } from './reservoir';
export { BOOT_ID, claimValue, describeHolder, HeldLock, isAlive, leaseMs, PID_NAMESPACE, LockLostError, takeLock, removeDeadLock, RunLockedError, type LockHolder, type ValueClaim, type ValueKey } from './lock';
export { RunWriter, type Checkpoint, type ImportedLogs, type NamedTensor, type NewRun } from './writer';
export { listRuns, runsOfSweep, runsBySweep, readRunInfo, readMetrics, readMetricColumns, readMetricsShared, metricsReadSoFar, readGenerations, snapshotRuns, runsSnapshotted, warnOnce, type MetricSeries, type Run, type RunMetrics, type Warn } from './reader';
export { startMetricsPrefetch, type MetricsPrefetch } from './metrics-prefetch';
export { DEFAULT_COLORS, defaultColor, MAX_POINTS } from './sweep-points';
export { findSweepFile, formatSweepFile, loadSweep, loadSweeps, parseSweep, sweepFieldLine, sweepFiles, sweepIdProblem } from './sweeps';
export { findImportedRun, metricsText, writeImportedRun, type ImportChange, type ImportedRunFiles, type SeriesPoints } from './imported';
export {
  isDrawn,
  importedSweepUnits,
  matchImportedSweepRuns,
  matchSweepRuns,
  type ImportedUnitKey,
  type ConfigDifference,
  type NormaliseConfig,
  type OtherConfigRun,
  type SweepRunsMatch,
  type SweepUnit,
  type UnitRuns,
} from './sweep-runs';
