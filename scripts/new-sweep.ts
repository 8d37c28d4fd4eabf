// npm run new-sweep -- <id> --vary beta=10,20,50 [--seeds 0,1,2] [--title "..."] [--force]
import { parseArgs } from 'node:util';
import { newSweep, NewSweepError, parseValues } from '../src/runner/new-sweep';
import { SweepFileError } from '../src/runs';

const USAGE = 'usage: npm run new-sweep -- <id> --vary <field>=<v1>,<v2>,... [--seeds 0,1,2] [--title "..."] [--force]';

try {
  const { values: flags, positionals } = parseArgs({
    allowPositionals: true,
    options: { vary: { type: 'string' }, seeds: { type: 'string' }, title: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } },
  });
  if (flags.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const [id, ...extra] = positionals;
  const match = /^([^=]+)=(.*)$/.exec(flags.vary ?? '');
  if (!id || extra.length > 0 || !match) throw new NewSweepError(USAGE);
  const seeds = flags.seeds === undefined ? undefined : parseValues(flags.seeds);
  if (seeds && !seeds.every(Number.isInteger)) throw new NewSweepError(`--seeds ${flags.seeds}: give whole numbers, e.g. --seeds 0,1,2`);
  const { sweepFile, reportFile } = newSweep({
    id,
    vary: match[1].trim(),
    values: parseValues(match[2]),
    seeds: seeds as number[] | undefined,
    title: flags.title,
    contentDir: process.env.CONTENT_DIR ?? 'content',
    force: flags.force,
  });
  console.log(`wrote ${sweepFile}\nwrote ${reportFile}\n
next:
  npm run train -- --sweep ${id}     # add --quick for a fast demo
  npm run build && npm run preview   # the page is /reports/${id}/`);
} catch (error) {
  if (!(error instanceof NewSweepError || error instanceof SweepFileError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) throw error;
  console.error(`new-sweep: ${(error as Error).message}`);
  process.exit(2);
}
