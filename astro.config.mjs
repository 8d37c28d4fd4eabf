// @ts-check
import { unified } from '@astrojs/markdown-remark';
import { defineConfig, passthroughImageService } from 'astro/config';
import { reportPlugins } from './src/markdown';
import { runsDir, sweepsDir } from './src/site/dirs';
import { figureFiles } from './src/site/figure-files';
import { buildPhases } from './src/site/build-phases';
import { buildLock } from './src/site/build-lock';
import { basePath } from './src/site/href';
import { metricsDownloads } from './src/site/metrics-downloads';
import { metricsPrefetch } from './src/site/metrics-prefetch';
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
  // `astro build`, first: a lock on the checkout's and the cache's folders, so
  // no two builds mix (build-lock.ts); `npm run dev`: reports follow the runs while training (pages reload by themselves);
  // report figures' CSV and spec downloads, copied into dist/figures/; each
  // run's metrics.csv and metrics.json; `astro build`: the runs' metrics read
  // ahead on another core; and, last, where the build's time went.
  integrations: [buildLock(), liveRuns({ runsDir: runsDir(), sweepsDir: sweepsDir() }), figureFiles(), metricsDownloads(), metricsPrefetch(), buildPhases()],
  markdown: {
    // Astro's own remark pipeline with our directives. Astro 7 replaces it with
    // an engine that runs no remark plugins (docs/architecture.md): stay on 6.
    processor: unified({ remarkPlugins: reportPlugins({ runsDir: runsDir(), sweepsDir: sweepsDir(), base }) }),
  },
});
