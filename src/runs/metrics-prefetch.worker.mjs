// The metrics prefetch worker (see metrics-prefetch.ts). Plain JavaScript, as
// Node runs a worker's entry itself: it loads the TypeScript through tsx.
import { workerData } from 'node:worker_threads';
import { tsImport } from 'tsx/esm/api';

const { prefetchMetrics } = await tsImport('./metrics-prefetch.ts', import.meta.url);
const { readMetricColumns } = await tsImport('./reader.ts', import.meta.url);
prefetchMetrics(workerData, readMetricColumns);
