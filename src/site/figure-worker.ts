// A worker thread of figure-workers.ts: draws the line figures it is sent.
import { parentPort } from 'node:worker_threads';
import { renderLineFigureWithSpec, type LineFigureOptions } from '../charts/figure';

parentPort!.on('message', async (options: LineFigureOptions) => {
  try {
    parentPort!.postMessage({ figure: await renderLineFigureWithSpec(options) });
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
