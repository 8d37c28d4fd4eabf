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
import type { AstroIntegration } from 'astro';
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
  /** Each busy worker's task. */
  private readonly busy = new Map<Worker, Task>();
  private started = 0;

  constructor(private readonly size: number) {}

  draw(options: Omit<LineFigureOptions, 'dataFile'>): Promise<RenderedFigure> {
    return new Promise((resolve, reject) => {
      this.queue.push({ options, resolve, reject });
      this.next();
    });
  }

  /** Boots the workers not started yet; they wait idle (not keeping the process alive) for figures. */
  start(): void {
    while (this.started < this.size) this.idle.push(this.boot());
  }

  private next(): void {
    if (this.queue.length === 0) return;
    const worker = this.idle.pop() ?? (this.started < this.size ? this.boot() : undefined);
    if (!worker) return;
    const task = this.queue.shift()!;
    this.busy.set(worker, task);
    worker.ref();
    worker.postMessage(task.options);
  }

  private boot(): Worker {
    this.started++;
    const boot = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(pathToFileURL(WORKER_FILE).href)}); });`;
    const worker = new Worker(boot, { eval: true });
    worker.unref();
    worker.on('message', (reply: { figure: RenderedFigure } | { error: string }) => {
      const task = this.busy.get(worker)!;
      this.busy.delete(worker);
      worker.unref();
      this.idle.push(worker);
      if ('figure' in reply) task.resolve(reply.figure);
      else task.reject(new Error(`drawing a figure of ${task.options.metric}: ${reply.error}`));
      this.next();
    });
    // A worker that dies (or never loads) takes its task with it; the next task starts another.
    worker.on('error', (error) => {
      this.started--;
      const idle = this.idle.indexOf(worker);
      if (idle >= 0) this.idle.splice(idle, 1);
      this.busy.get(worker)?.reject(error);
      this.busy.delete(worker);
      this.next();
    });
    return worker;
  }
}

// One pool per process: Astro loads this module twice (its config's copy draws report figures, its page bundle's the rest).
const shared = globalThis as { sweepbookFigureWorkers?: FigureWorkers };

/**
 * Starts the workers as the site's config is read (each takes a second or
 * two to load vega), so they are ready when the first figure comes.
 */
export function figureWorkers(): AstroIntegration {
  return {
    name: 'sweepbook-figure-workers',
    hooks: {
      'astro:config:done': () => {
        if (existsSync(WORKER_FILE)) pool().start();
      },
    },
  };
}

function pool(): FigureWorkers {
  return (shared.sweepbookFigureWorkers ??= new FigureWorkers(availableParallelism()));
}

/** A site's line figure: drawn, its hover data written beside the downloads (figure-files.ts). */
export function drawSiteLineFigure(options: Omit<LineFigureOptions, 'dataFile'>): Promise<RenderedFigure> {
  return renderLineFigureWithSpec({ ...options, dataFile: writeFigureData });
}

/** drawSiteLineFigure on a worker thread (which writes the data file), or here where there is no worker source (a site built elsewhere). */
export function drawLineFigure(options: Omit<LineFigureOptions, 'dataFile'>): Promise<RenderedFigure> {
  if (!existsSync(WORKER_FILE)) return drawSiteLineFigure(options);
  return pool().draw(options);
}
