// `astro build`: every run's metrics read ahead on another core (see
// src/runs/metrics-prefetch.ts), as the build's pages will ask for them all.
import { availableParallelism } from 'node:os';
import type { AstroIntegration } from 'astro';
import { startMetricsPrefetch, type MetricsPrefetch } from '../runs';
import { allRuns } from './site-data';

export function metricsPrefetch(): AstroIntegration {
  let prefetch: MetricsPrefetch | undefined;
  return {
    name: 'sweepbook-metrics-prefetch',
    hooks: {
      'astro:config:setup': ({ command }) => {
        if (command !== 'build' || availableParallelism() < 2) return;
        let runDirs: string[];
        try {
          runDirs = allRuns().map((run) => run.dir);
        } catch {
          return; // a broken run folder: the pages report it
        }
        prefetch = startMetricsPrefetch(runDirs);
      },
      'astro:build:done': async () => {
        await prefetch?.stop();
      },
    },
  };
}
