// The metrics downloads worker (see metrics-downloads.ts). Plain JavaScript, as
// Node runs a worker's entry itself: it loads the TypeScript through tsx.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { writeDownloads } = await tsImport('./metrics-downloads.ts', import.meta.url);
writeDownloads(workerData);
