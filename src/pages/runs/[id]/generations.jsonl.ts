// Every kept generation of a run as JSON lines, as generations.jsonl holds
// them: pages show only the newest and the start of long ones.
import type { APIRoute } from 'astro';
import type { Run } from '../../../runs';
import { generationsOf } from '../../../site/run-data';
import { allRuns } from '../../../site/site-data';

export function getStaticPaths() {
  return allRuns().map((run) => ({ params: { id: run.info.id }, props: { run } }));
}

export const GET: APIRoute<{ run: Run }> = ({ props }) =>
  new Response(generationsOf(props.run).map((line) => JSON.stringify(line) + '\n').join(''), {
    headers: { 'Content-Type': 'application/jsonl' },
  });
