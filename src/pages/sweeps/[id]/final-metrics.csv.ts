// Every run of a sweep with how each metric ended: see src/site/sweep-csv.ts.
import type { APIRoute } from 'astro';
import type { Sweep } from '../../../runs';
import { runsDir } from '../../../site/dirs';
import { allSweeps } from '../../../site/site-data';
import { sweepFinalsCsv } from '../../../site/sweep-csv';
import { sweepRunsListed } from '../../../site/sweep-runs';

export function getStaticPaths() {
  return allSweeps().map((sweep) => ({ params: { id: sweep.id }, props: { sweep } }));
}

export const GET: APIRoute<{ sweep: Sweep }> = ({ props }) =>
  new Response(sweepFinalsCsv(props.sweep, sweepRunsListed(props.sweep, runsDir())), { headers: { 'Content-Type': 'text/csv' } });
