// @ts-check
import { defineConfig, passthroughImageService } from 'astro/config';
import { reportPlugins } from './src/markdown';
import { runsDir, sweepsDir } from './src/site/dirs';
import { figureFiles } from './src/site/figure-files';
import { figureWorkers } from './src/site/figure-workers';
import { basePath } from './src/site/href';
import { liveRuns } from './src/site/live';

const base = basePath();

export default defineConfig({
  base,
  // Tests and benchmarks build into their own cache so they never share
  // (or clobber) the content store of a real build.
  cacheDir: process.env.SITE_CACHE_DIR,
  // Images are not processed: the site's figures are inline SVG, and sharp's
  // native install script is not allowed here.
  image: { service: passthroughImageService() },
  // Pages rendered a few at a time, so the main thread renders one while the
  // figure workers draw another's figures (src/site/figure-workers.ts).
  build: { concurrency: Number(process.env.BUILD_CONCURRENCY ?? 4) },
  // `npm run dev`: reports follow the runs while training (pages reload by themselves);
  // report figures' CSV and spec downloads, copied into dist/figures/; figure workers started early.
  integrations: [liveRuns({ runsDir: runsDir(), sweepsDir: sweepsDir() }), figureFiles(), figureWorkers()],
  markdown: {
    remarkPlugins: [...reportPlugins({ runsDir: runsDir(), sweepsDir: sweepsDir(), base })],
  },
});
