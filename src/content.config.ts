// Reports are markdown files in content/reports (CONTENT_DIR); runs and sweeps
// are read through src/runs by the pages and directives.
import { defineCollection } from 'astro:content';
import { z } from 'astro/zod';
import { quickBuild, reportsDir, runsDir, sweepsDir } from './site/dirs';
import { reportsLoader } from './site/reports-loader';

const reports = defineCollection({
  loader: reportsLoader({ base: reportsDir(), runsDir: runsDir(), sweepsDir: sweepsDir(), quick: quickBuild() }),
  schema: z.object({
    title: z.string().min(1),
    date: z.coerce.date(),
    description: z.string().min(1),
  }),
});

export const collections = { reports };
