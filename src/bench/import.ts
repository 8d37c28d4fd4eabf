// Bench: `npm run import -- tensorboard` of a 100-run logdir, each run 20,000 steps
// of 5 tags written as PyTorch's add_scalar writes them (one value an event): the
// reading, checking and writing of 10 million events into run folders, in-process.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importRuns } from '../import/import';
import { readTensorboardRuns } from '../import/tensorboard';
import { eventFile, fileVersionEvent, summaryEvent, value } from './tfevents-writer';

const TAGS = ['train/loss', 'train/lr', 'train/grad_norm', 'eval/loss', 'eval/accuracy'];

function runFile(steps: number): Buffer {
  const records = [fileVersionEvent(1.7e9)];
  for (let step = 1; step <= steps; step++) {
    for (const [k, tag] of TAGS.entries()) records.push(summaryEvent(step, 1.7e9 + step / 10, [{ tag, fields: value.simple(Math.exp(-step / 5000) + k + Math.sin(step) / 10) }]));
  }
  return eventFile(records);
}

export function benchImport(runs = 100, steps = 20_000) {
  const root = mkdtempSync(join(tmpdir(), 'sweepbook-bench-import-'));
  try {
    const logdir = join(root, 'logs');
    const file = 'events.out.tfevents.1700000000.host.1.0';
    mkdirSync(join(logdir, 'run-000'), { recursive: true });
    writeFileSync(join(logdir, 'run-000', file), runFile(steps));
    // Copies of one file: what is read is the same amount as 100 different ones.
    for (let i = 1; i < runs; i++) cpSync(join(logdir, 'run-000'), join(logdir, `run-${String(i).padStart(3, '0')}`), { recursive: true });
    const options = { format: 'tensorboard' as const, root: logdir, sweep: 'bench', runsDir: join(root, 'runs'), sweepsDir: join(root, 'sweeps'), pathParams: [] };
    const start = performance.now();
    const imported = readTensorboardRuns(logdir);
    const read = performance.now();
    const result = importRuns(options, imported);
    const end = performance.now();
    if (result.runs.length !== runs) throw new Error(`import bench: ${result.runs.length} runs of ${runs}`);
    const events = runs * steps * TAGS.length;
    return {
      bench: 'import-tensorboard',
      runs,
      steps,
      tags: TAGS.length,
      events,
      read_seconds: Number(((read - start) / 1000).toFixed(2)),
      write_seconds: Number(((end - read) / 1000).toFixed(2)),
      seconds: Number(((end - start) / 1000).toFixed(2)),
      goal_seconds: 20,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
