// The reports collection: Astro's glob loader over content/reports/*.md, with
// the changes a report built from run data needs.
//  - Astro reuses a report's cached rendering while its markdown is unchanged.
//    Our directives also read runs and sweeps (and the rendering code may have
//    changed, or the build may show the --quick demo), so a digest of those is
//    folded into every report's digest: new or changed runs always show on
//    the next build.
//  - The glob loader logs a rendering error and carries on with an empty page;
//    a report whose directive is wrong must fail the build instead.
//  - A build checks every sweep file first, and all their errors are its
//    error: a page that met one would print it three times.
//  - The store's rendered HTML goes into pages as is, and the store is a file
//    on shared storage (data-store.json in the cache folder): an entry is
//    kept only with this user's HMAC of it (see cache-key.ts), kept beside
//    the store; one without is rendered again.
//  - A rendering error reaches the user once, as one line naming the file at
//    fault (a report's directive, a run's metrics.jsonl...): Astro's markdown
//    renderer would print it first with its stack, the glob loader log it,
//    and the build print it again with another stack.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Loader, LoaderContext } from 'astro/loaders';
import { glob } from 'astro/loaders';
import { cacheMac, isCacheMac } from '../charts/cache-key';
import { filesDigest } from './render-inputs-digest';
import { shortPath } from './short-path';
import { sweepFileErrors } from './sweep-runs';

/** What @astrojs/markdown-remark prefixes a rendering error's message with (and prints it, before rethrowing). */
const RENDER_ERROR = /^Failed to parse Markdown file "([^"]*)":\n/;

/** The loader's name, by which `npm run dev` asks it to load again when the runs change (see live.ts). */
export const REPORTS_LOADER = 'sweepbook-reports';

export function reportsLoader(options: { base: string; runsDir: string; sweepsDir: string; quick: boolean }): Loader {
  const inner = glob({ pattern: '**/*.md', base: options.base });
  return {
    name: REPORTS_LOADER,
    load: async (context: LoaderContext) => {
      // Before any report renders: a wrong sweep file would fail every directive that reads it.
      // Not in `npm run dev` (which watches): there the page that reads the sweep shows its error, and the server stays up.
      const sweepErrors = context.watcher ? [] : sweepFileErrors(options.sweepsDir, options.quick);
      if (sweepErrors.length > 0) {
        context.store.clear();
        throw buildError(sweepErrors.map((error) => error.message));
      }
      const macsFile = join(fileURLToPath(context.config.cacheDir), MACS_FILE);
      const macs = readMacs(macsFile);
      for (const [id, entry] of context.store.entries()) if (!isCacheMac(id, JSON.stringify(entry), macs[id])) context.store.delete(id);
      const files = filesDigest([options.sweepsDir, options.runsDir, fileURLToPath(context.config.srcDir)]);
      const inputs = `${files}\0quick=${options.quick}`;
      const errors: string[] = [];
      const logger = Object.create(context.logger) as LoaderContext['logger'];
      // A site of imported runs before its first report: nothing to warn about.
      logger.warn = (message: string) => {
        if (!message.startsWith('No files found matching')) context.logger.warn(message);
      };
      logger.error = (message: string) => {
        // "Error rendering <entry>: Failed to parse Markdown file ...": already kept from the renderer, below.
        if (!(message.startsWith('Error rendering ') && message.includes(': Failed to parse Markdown file "'))) errors.push(message);
      };
      const consoleError = console.error;
      console.error = (...args: unknown[]) => {
        if (args[0] instanceof Error && RENDER_ERROR.test(args[0].message)) errors.push(oneLine(args[0]));
        else consoleError(...args);
      };
      try {
        await inner.load({
          ...context,
          logger,
          // Loading again because the runs changed (live.ts): the glob loader already watches the markdown since the first load.
          ...(context.refreshContextData?.sweepbookRunsChanged ? { watcher: undefined } : {}),
          generateDigest: (data) => context.generateDigest(`${typeof data === 'string' ? data : JSON.stringify(data)}\0${inputs}`),
        });
      } finally {
        console.error = consoleError;
      }
      if (errors.length > 0) {
        // Forget what was stored, so the next build renders (and reports) it again.
        context.store.clear();
        throw buildError(errors);
      }
      writeMacs(macsFile, context.store.entries());
    },
  };
}

/** Where each stored report's HMAC is kept, in Astro's cache folder beside its store. */
const MACS_FILE = 'sweepbook-reports.macs.json';

function readMacs(file: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    return {}; // none yet: every stored report is rendered again
  }
}

function writeMacs(file: string, entries: [string, unknown][]): void {
  const macs = Object.fromEntries(entries.map(([id, entry]) => [id, cacheMac(id, JSON.stringify(entry))]));
  mkdirSync(dirname(file), { recursive: true });
  const part = `${file}.${process.pid}.tmp`;
  writeFileSync(part, JSON.stringify(macs));
  renameSync(part, file);
}

/**
 * A rendering error as one line. Ours (a directive, a run or sweep file)
 * already name their file, line and field; any other is put at the report.
 */
function oneLine(error: Error): string {
  const [prefix, report] = RENDER_ERROR.exec(error.message)!;
  const message = error.message.slice(prefix.length);
  const namesItsFile = typeof (error as { file?: unknown }).file === 'string';
  return namesItsFile ? message : `${shortPath(report)}: ${message}`;
}

/** The errors as one error of one line each: the message is all the user needs, so no stack for Astro to print. */
function buildError(messages: string[]): Error {
  const error = new Error(messages.join('\n'));
  error.stack = '';
  return error;
}
