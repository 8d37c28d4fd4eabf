// The metrics downloads worker (see metrics-downloads.ts): writes each run the
// build hands over, says which it wrote, and ends when told. Plain JavaScript,
// as Node runs a worker's entry itself: it loads the TypeScript through tsx.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { writeRunRead } = await tsImport('./metrics-downloads.ts', import.meta.url);
const { outDir, port } = workerData;
port.on('message', (message) => {
  if (message === 'end') port.close();
  else if (writeRunRead(outDir, message)) port.postMessage(message.id);
});
