// Report figures' downloads (data CSV and vega-lite spec): written while the
// markdown renders, named by a digest of their content so builds running at
// once never clash and a file never changes under its name, then copied into
// the site at the end of the build: only those its pages link.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import type { TopLevelSpec } from 'vega-lite';
import { figureCsv, figureSpecJson } from '../charts/downloads';
import { figureFilesDir } from './dirs';
import { basePath, href } from './href';

/** Where the site serves them, under its base path. */
const FOLDER = 'figures';
const NAME = /^[0-9a-f]{20}\.(csv|vl\.json)$/;

/** Writes a figure's CSV and spec (if not there yet); their links in the site. */
export function writeFigureFiles(spec: TopLevelSpec): { csv: string; spec: string } {
  const dir = figureFilesDir();
  const write = (text: string, extension: string) => {
    const name = `${createHash('sha256').update(text).digest('hex').slice(0, 20)}.${extension}`;
    const file = join(dir, name);
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      const part = `${file}.${process.pid}.tmp`;
      writeFileSync(part, text);
      renameSync(part, file);
    }
    return href(`${FOLDER}/${name}`);
  };
  return { csv: write(figureCsv(spec), 'csv'), spec: write(figureSpecJson(spec), 'vl.json') };
}

/** Copies the downloads the built pages link into dist/figures/, and serves them in `astro dev`. */
export function figureFiles(): AstroIntegration {
  return {
    name: 'sweepbook-figure-files',
    hooks: {
      'astro:build:done': ({ dir }) => {
        const out = fileURLToPath(dir);
        const linked = new Set<string>();
        const pattern = new RegExp(`/${FOLDER}/([0-9a-f]{20}\\.(?:csv|vl\\.json))"`, 'g');
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
