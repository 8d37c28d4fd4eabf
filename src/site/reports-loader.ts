// The reports collection: Astro's glob loader over content/reports/*.md, with
// two changes a report built from run data needs.
//  - A report's cached rendering is reused only when its markdown is unchanged;
//    our directives also read runs and sweeps, so the run data's digest is
//    folded into every report's digest and new runs always show.
//  - The glob loader logs a rendering error and carries on with an empty page;
//    a report whose directive is wrong must fail the build instead.
import type { Loader, LoaderContext } from 'astro/loaders';
import { glob } from 'astro/loaders';
import { runDataDigest } from './run-data-digest';

export function reportsLoader(options: { base: string; runsDir: string; sweepsDir: string }): Loader {
  const inner = glob({ pattern: '**/*.md', base: options.base });
  return {
    name: 'sweepbook-reports',
    load: async (context: LoaderContext) => {
      const runData = runDataDigest(options.runsDir, options.sweepsDir);
      const errors: string[] = [];
      const logger = Object.create(context.logger) as LoaderContext['logger'];
      logger.error = (message: string) => {
        errors.push(message);
        context.logger.error(message);
      };
      await inner.load({
        ...context,
        logger,
        generateDigest: (data) => context.generateDigest(`${typeof data === 'string' ? data : JSON.stringify(data)}\0${runData}`),
      });
      if (errors.length > 0) {
        // Forget what was stored, so the next build renders (and reports) it again.
        context.store.clear();
        throw new Error(errors.join('\n'));
      }
    },
  };
}
