// `npm run dev` while training: open pages follow the runs as they are
// written. Sweep and run pages read the runs on every request, but reports
// are rendered once into Astro's content store, which only re-renders a
// report when its markdown changes. So on any change in the runs or sweeps
// folder, this asks the reports loader to load again (its digest folds in
// the runs, so every report is rendered anew); when the store is written,
// Astro reloads every open page (live.client.ts keeps its scroll position).
// If no report changed, it reloads the pages itself.
import { relative, sep } from 'node:path';
import type { AstroIntegration } from 'astro';
import { CHECKPOINT_DIR } from '../runs';
import { REPORTS_LOADER } from './reports-loader';

/** What the reports loader is told when the runs changed: it must not watch its markdown a second time. */
export const RUNS_CHANGED = { sweepbookRunsChanged: true };

/** Events closer together than this are taken as one: a training step writes several files. */
const SETTLE_MS = 200;

export function liveRuns(options: { runsDir: string; sweepsDir: string }): AstroIntegration {
  return {
    name: 'sweepbook-live-runs',
    hooks: {
      'astro:server:setup': ({ server, refreshContent, logger }) => {
        if (!refreshContent) return;
        const refresh = refreshContent;
        server.watcher.add([options.runsDir, options.sweepsDir]);
        let timer: ReturnType<typeof setTimeout> | undefined;
        let running: Promise<void> | undefined;
        let again = false;
        const update = async () => {
          timer = undefined;
          if (running) {
            again = true;
            return;
          }
          running = (async () => {
            try {
              await refresh({ loaders: [REPORTS_LOADER], context: RUNS_CHANGED });
            } catch (error) {
              logger.error(`reloading reports after the runs changed: ${(error as Error).message}`);
            }
            // Astro reloads the pages when the store changed; a runs change no report shows still changes the sweep and run pages.
            server.ws.send({ type: 'full-reload', path: '*' });
          })();
          await running;
          running = undefined;
          if (again) {
            again = false;
            void update();
          }
        };
        const onChange = (path: string) => {
          if (!isWatched(path, options)) return;
          timer ??= setTimeout(() => void update(), SETTLE_MS);
        };
        for (const event of ['add', 'change', 'unlink', 'unlinkDir'] as const) server.watcher.on(event, onChange);
      },
    },
  };
}

/** A file of a run (checkpoints and trainers' claims aside) or a sweep file. */
function isWatched(path: string, { runsDir, sweepsDir }: { runsDir: string; sweepsDir: string }): boolean {
  const inSweeps = relative(sweepsDir, path);
  if (!inSweeps.startsWith('..') && !inSweeps.startsWith(sep)) return true;
  const inRuns = relative(runsDir, path);
  if (inRuns.startsWith('..') || inRuns.startsWith(sep) || inRuns === '') return false;
  const parts = inRuns.split(sep);
  return !parts[0].startsWith('.') && !parts.includes(CHECKPOINT_DIR);
}
