// What every importer (TensorBoard, CSV, Hugging Face) reads another program's
// files into: one run, before src/runs writes it as a run folder. Importers only
// read; choosing params, seeds and the run folder is the import's (src/import/import.ts).
import type { ParamValue } from '../runs';

/** One metric's points, in strictly increasing step; `times[i]` is seconds since the epoch, or null if the source has none. */
export interface ImportedSeries {
  steps: number[];
  values: number[];
  times: (number | null)[];
}

/** A file a run was read from, as run.json's `source.files` records it. */
export interface SourceFile {
  /** Relative to the import's root, '/'-separated. */
  path: string;
  size: number;
  /** Hex SHA-256 of its bytes. */
  sha256: string;
}

export interface ImportedText {
  step: number;
  time: number | null;
  tag: string;
  text: string;
}

export interface ImportedRun {
  /**
   * The run's folder (or file, for a CSV) relative to the import's root,
   * '/'-separated, '.' for the root itself: what TensorBoard calls the run.
   */
  path: string;
  /** Metric name -> points. Names are the source's tags or columns as they are. */
  scalars: Map<string, ImportedSeries>;
  /** Texts in the order written. */
  texts: ImportedText[];
  /** Hyperparameters the files themselves record (TensorBoard hparams, trainer_state trial_params, Lightning hparams.yaml). */
  params: Record<string, ParamValue>;
  files: SourceFile[];
  /** What was read but not imported, by kind: { histogram: 12, image: 3 }. */
  skipped: Record<string, number>;
  /** What a user should hear about: points a restart dropped, a file cut inside its last record. */
  warnings: string[];
}
