// The training benches of the source tree at argv[2] (default: this one), as
// JSON lines; `npm run bench -- --compare <ref>` runs it once per tree and round.
// With --clock cpu the benches' performance.now() reads this process's CPU time
// instead: on a machine shared with other jobs, wall time measures the neighbours.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({ options: { clock: { type: 'string', default: 'wall' } }, allowPositionals: true });
if (values.clock === 'cpu') {
  performance.now = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
}
const root = resolve(positionals[0] ?? '.');
const url = pathToFileURL(join(root, 'src/bench/train.ts')).href;
const { benchPretrain, benchRL } = (await import(url)) as typeof import('../src/bench/train');
console.log(JSON.stringify(await benchPretrain()));
console.log(JSON.stringify(await benchRL()));
