// Every logged step of a run as CSV: one column per metric, empty where a
// step did not log it or logged a non-finite value.
import type { APIRoute } from 'astro';
import type { Run } from '../../../runs';
import { toCsv } from '../../../site/csv';
import { metricNames, metricsOf } from '../../../site/run-data';
import { allRuns } from '../../../site/site-data';

export function getStaticPaths() {
  return allRuns().map((run) => ({ params: { id: run.info.id }, props: { run } }));
}

export const GET: APIRoute<{ run: Run }> = ({ props }) => {
  const lines = metricsOf(props.run);
  const columns = ['step', 'time', ...metricNames(lines)];
  const csv = toCsv([columns, ...lines.map((line) => columns.map((column) => line[column]))]);
  return new Response(csv, { headers: { 'Content-Type': 'text/csv' } });
};
