// A worker thread of figure-workers.ts: draws the line figures it is sent.
import { parentPort } from 'node:worker_threads';
import { type LineFigureOptions } from '../charts/figure';
import { drawSiteLineFigure } from './figure-workers';

parentPort!.on('message', async (options: LineFigureOptions) => {
  try {
    parentPort!.postMessage({ figure: await drawSiteLineFigure(options) });
  } catch (error) {
    parentPort!.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
