// The training benches of the source tree at argv[2] (default: this one), as
// JSON lines; `npm run bench -- --compare <ref>` runs it once per tree and round.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(process.argv[2] ?? '.');
const { benchPretrain, benchRL } = (await import(pathToFileURL(join(root, 'src/bench/train.ts')).href)) as typeof import('../src/bench/train');
console.log(JSON.stringify(await benchPretrain()));
console.log(JSON.stringify(await benchRL()));
