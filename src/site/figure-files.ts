// Report figures' downloads (data CSV and vega-lite spec), and every figure's
// data for the reader's hover and controls (fetched by figure.client.ts on
// first use, so it is not in the page): written while pages render, named by a
// digest of their content so builds running at once never clash and a file
// never changes under its name (a page never pairs a figure with another
// drawing's data), then copied into the site at the end of the build: only
// those its pages link.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import type { TopLevelSpec } from 'vega-lite';
import { figureCsv, figureSpecJson } from '../charts/downloads';
import { flushWrites, startWritingBehind, writeAside, writingBehind } from '../write-behind';
import { figureFilesDir } from './dirs';
import { basePath, href } from './href';

/** Where the site serves them, under its base path. */
const FOLDER = 'figures';
const EXTENSIONS = 'csv|vl\\.json|json';
const NAME = new RegExp(`^[0-9a-f]{20}\\.(?:${EXTENSIONS})$`);

/** Writes a figure's CSV and spec (if not there yet); their links in the site. */
export function writeFigureFiles(spec: TopLevelSpec): { csv: string; spec: string } {
  return { csv: write(figureCsv(spec), 'csv'), spec: write(figureSpecJson(spec), 'vl.json') };
}

/** Writes a figure's data for the client script (figure.ts's dataFile); its address in the site. */
export function writeFigureData(json: string): string {
  return write(json, 'json');
}

function write(text: string, extension: string): string {
  const dir = figureFilesDir();
  const name = `${createHash('sha256').update(text).digest('hex').slice(0, 20)}.${extension}`;
  const file = join(dir, name);
  if (!existsSync(file) && !writingBehind(file)) {
    mkdirSync(dir, { recursive: true });
    writeAside(file, `${file}.${process.pid}.tmp`, text);
  }
  return href(`${FOLDER}/${name}`);
}

/** Copies the files the built pages link (downloads, and figures' data-src) into dist/figures/, and serves them in `astro dev`. */
export function figureFiles(): AstroIntegration {
  return {
    name: 'sweepbook-figure-files',
    hooks: {
      // The pages' figures write their files behind (see write-behind.ts) from here on.
      'astro:build:start': () => startWritingBehind(),
      'astro:build:done': async ({ dir }) => {
        await flushWrites();
        const out = fileURLToPath(dir);
        const linked = new Set<string>();
        const pattern = new RegExp(`/${FOLDER}/([0-9a-f]{20}\\.(?:${EXTENSIONS}))"`, 'g');
        for (const file of readdirSync(out, { recursive: true, encoding: 'utf8' })) {
          if (!file.endsWith('.html')) continue;
          for (const match of readFileSync(join(out, file), 'utf8').matchAll(pattern)) linked.add(match[1]);
        }
        if (linked.size === 0) return;
        mkdirSync(join(out, FOLDER), { recursive: true });
        for (const name of linked) copyFileSync(join(figureFilesDir(), name), join(out, FOLDER, name));
      },
      'astro:server:setup': ({ server }) => {
        const prefix = `${basePath()}${FOLDER}/`;
        server.middlewares.use((request, response, next) => {
          const name = request.url?.startsWith(prefix) ? request.url.slice(prefix.length) : '';
          const file = join(figureFilesDir(), name);
          if (!NAME.test(name) || !existsSync(file)) return next();
          response.setHeader('Content-Type', name.endsWith('.csv') ? 'text/csv; charset=utf-8' : 'application/json');
          response.end(readFileSync(file));
        });
      },
    },
  };
}
