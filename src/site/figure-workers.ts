// Line figures drawn on worker threads, one per core. A site of 100 runs
// draws ~600 figures, vega's work is most of its build, and Astro renders
// pages on one thread: with figures drawn aside (and pages rendered several
// at a time, astro.config's build.concurrency) the build uses every core.
// A figure is a pure function of its options, so where it is drawn changes
// nothing in it.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { renderLineFigureWithSpec, type LineFigureOptions, type RenderedFigure } from '../charts/figure';
import { writeFigureData } from './figure-files';

/**
 * The worker's source, from the project root (where builds run, as dirs.ts
 * assumes): this module is bundled into Astro's chunks, which know no source
 * paths. Workers run TypeScript through tsx, as `npm run train` does.
 */
const WORKER_FILE = resolve('src/site/figure-worker.ts');

interface Task {
  options: Omit<LineFigureOptions, 'dataFile'>;
  resolve: (figure: RenderedFigure) => void;
  reject: (error: Error) => void;
}

class FigureWorkers {
  private readonly idle: Worker[] = [];
  private readonly queue: Task[] = [];
  private started = 0;

  constructor(private readonly size: number) {}

  draw(options: Omit<LineFigureOptions, 'dataFile'>): Promise<RenderedFigure> {
    return new Promise((resolve, reject) => {
      this.queue.push({ options, resolve, reject });
      this.next();
    });
  }

  private next(): void {
    if (this.queue.length === 0) return;
    const worker = this.idle.pop() ?? (this.started < this.size ? this.start() : undefined);
    if (!worker) return;
    const task = this.queue.shift()!;
    worker.ref();
    const done = (settle: () => void) => {
      worker.off('message', onMessage).off('error', onError);
      settle();
      worker.unref();
      this.idle.push(worker);
      this.next();
    };
    const onMessage = (reply: { figure: RenderedFigure } | { error: string }) =>
      done(() => ('figure' in reply ? task.resolve(reply.figure) : task.reject(new Error(`drawing a figure of ${task.options.metric}: ${reply.error}`))));
    // A worker that dies takes its task with it; the next task starts another.
    const onError = (error: Error) => {
      worker.off('message', onMessage);
      this.started--;
      task.reject(error);
      this.next();
    };
    worker.on('message', onMessage).once('error', onError);
    worker.postMessage(task.options);
  }

  private start(): Worker {
    this.started++;
    const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(WORKER_FILE).href)}); });`;
    return new Worker(boot, { eval: true });
  }
}

// One pool per process: Astro loads this module twice (its config's copy draws report figures, its page bundle's the rest).
const shared = globalThis as { sweepbookFigureWorkers?: FigureWorkers };

/** A site's line figure: drawn, its hover data written beside the downloads (figure-files.ts). */
export function drawSiteLineFigure(options: Omit<LineFigureOptions, 'dataFile'>): Promise<RenderedFigure> {
  return renderLineFigureWithSpec({ ...options, dataFile: writeFigureData });
}

/** drawSiteLineFigure on a worker thread (which writes the data file), or here where there is no worker source (a site built elsewhere). */
export function drawLineFigure(options: Omit<LineFigureOptions, 'dataFile'>): Promise<RenderedFigure> {
  if (!existsSync(WORKER_FILE)) return drawSiteLineFigure(options);
  shared.sweepbookFigureWorkers ??= new FigureWorkers(availableParallelism());
  return shared.sweepbookFigureWorkers.draw(options);
}
