// The reports collection: Astro's glob loader over content/reports/*.md, with
// two changes a report built from run data needs.
//  - Astro reuses a report's cached rendering while its markdown is unchanged.
//    Our directives also read runs and sweeps (and the rendering code may have
//    changed), so a digest of those is folded into every report's digest:
//    new or changed runs always show on the next build.
//  - The glob loader logs a rendering error and carries on with an empty page;
//    a report whose directive is wrong must fail the build instead.
import { fileURLToPath } from 'node:url';
import type { Loader, LoaderContext } from 'astro/loaders';
import { glob } from 'astro/loaders';
import { filesDigest } from './render-inputs-digest';

export function reportsLoader(options: { base: string; runsDir: string; sweepsDir: string }): Loader {
  const inner = glob({ pattern: '**/*.md', base: options.base });
  return {
    name: 'sweepbook-reports',
    load: async (context: LoaderContext) => {
      const inputs = filesDigest([options.sweepsDir, options.runsDir, fileURLToPath(context.config.srcDir)]);
      const errors: string[] = [];
      const logger = Object.create(context.logger) as LoaderContext['logger'];
      logger.error = (message: string) => {
        errors.push(message);
        context.logger.error(message);
      };
      await inner.load({
        ...context,
        logger,
        generateDigest: (data) => context.generateDigest(`${typeof data === 'string' ? data : JSON.stringify(data)}\0${inputs}`),
      });
      if (errors.length > 0) {
        // Forget what was stored, so the next build renders (and reports) it again.
        context.store.clear();
        throw new Error(errors.join('\n'));
      }
    },
  };
}
