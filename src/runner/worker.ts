// A worker process of `npm run train` (forked by pool.ts: n of them with
// --parallel n, and one for a command sweep's runs): trains the runs the CLI
// sends it, one at a time, setting up the backend when a run needs it.
import type { BackendChoice } from '../train/backend';
import { trainJob } from './job';
import type { FromWorker, ToWorker } from './job-events';
import { reportUnexpected } from './report-unexpected';

const controller = new AbortController();
let busy = false;

// The CLI may die at any moment (kill -9): a message or a line to its closed
// pipes then fails with EPIPE. That must not kill the worker mid-run: the
// 'disconnect' below stops the run properly. Any other error prints one line.
function send(message: FromWorker): void {
  if (process.connected) process.send?.(message, undefined, undefined, () => {});
}
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
// Registered before tfjs's wasm module adds its own, which prints minified source.
process.on('uncaughtException', (error) => process.exit(reportUnexpected(error)));

// Ctrl-C reaches every process in the terminal's group: the first stops after
// the current step (checkpointed, marked interrupted), a second quits at once.
let interrupts = 0;
// A closed terminal (SIGHUP) too: dying of it would leave a command's program running.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (++interrupts > 1) process.exit(130);
    controller.abort();
  });
}
// The CLI is gone (it exited, or was killed): finish the step and stop.
process.on('disconnect', () => {
  controller.abort();
  if (!busy) process.exit(0);
});

process.on('message', (message: ToWorker) => {
  if (message.type === 'stop') controller.abort();
  else void train(message);
});

// tfjs is loaded only for a run of the built-in trainer.
let backend: Promise<string> | undefined;
const initBackend = async () => (await import('../train/backend')).initBackend(process.argv[2] as BackendChoice);
send({ type: 'ready' });

async function train({ job, spec }: Extract<ToWorker, { type: 'run' }>): Promise<void> {
  busy = true;
  let result;
  try {
    result = await trainJob(spec, {
      backend: () => (backend ??= initBackend()),
      signal: controller.signal,
      onStart: (start) => send({ type: 'start', job, start }),
      onProgress: (progress) => send({ type: 'progress', job, progress }),
      onPretrainProgress: (progress) => send({ type: 'pretrain', job, progress }),
      onWait: (note) => send({ type: 'wait', job, note }),
    });
  } catch (err) {
    const { BackendError } = await import('../train/backend');
    if (!(err instanceof BackendError)) throw err;
    busy = false;
    send({ type: 'backend-error', message: err.message });
    return;
  }
  busy = false;
  send({ type: 'finish', job, result });
  if (!process.connected) process.exit(0);
}
