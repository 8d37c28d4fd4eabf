// Every logged step of a run as a JSON array, for analysis outside the site.
import type { APIRoute } from 'astro';
import { readMetricsJsonArray, type Run } from '../../../runs';
import { allRuns } from '../../../site/site-data';

export function getStaticPaths() {
  return allRuns().map((run) => ({ params: { id: run.info.id }, props: { run } }));
}

export const GET: APIRoute<{ run: Run }> = ({ props }) =>
  new Response(readMetricsJsonArray(props.run.dir), { headers: { 'Content-Type': 'application/json' } });
