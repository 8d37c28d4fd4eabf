// Every logged step of a run as a JSON array, for analysis outside the site.
import type { APIRoute } from 'astro';
import type { Run } from '../../../runs';
import { metricsJson } from '../../../site/metrics-downloads';
import { metricsOf } from '../../../site/run-data';
import { allRuns } from '../../../site/site-data';

export function getStaticPaths() {
  return allRuns().map((run) => ({ params: { id: run.info.id }, props: { run } }));
}

export const GET: APIRoute<{ run: Run }> = ({ props }) =>
  new Response(metricsJson(metricsOf(props.run)), { headers: { 'Content-Type': 'application/json' } });
