// Every logged step of a run as CSV: one column per metric, empty where a
// step did not log it or logged a non-finite value.
import type { APIRoute } from 'astro';
import type { Run } from '../../../runs';
import { metricsCsv } from '../../../site/metrics-downloads';
import { allRuns } from '../../../site/site-data';

export function getStaticPaths() {
  return allRuns().map((run) => ({ params: { id: run.info.id }, props: { run } }));
}

export const GET: APIRoute<{ run: Run }> = ({ props }) =>
  new Response(metricsCsv(props.run.dir), { headers: { 'Content-Type': 'text/csv' } });
