// The metrics downloads worker (see metrics-downloads.ts): writes the runs the
// build hands over that the build has not taken itself, says which it wrote,
// and ends when told. Plain JavaScript,
// as Node runs a worker's entry itself: it loads the TypeScript through tsx.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { writeUntaken } = await tsImport('./metrics-downloads.ts', import.meta.url);
const { outDir, port, taken } = workerData;
const runs = [];
port.on('message', (message) => {
  if (message === 'end') return port.close();
  runs.push(message);
  writeUntaken(outDir, runs, taken, (id) => port.postMessage(id));
});
