// npm run bench: prints one JSON line per benchmark. Each bench lives in src/bench.
//   npm run bench -- --compare <git-ref> [--rounds n] [--clock wall|cpu]: training
//   speed of this tree against <ref>, alternating runs of both (src/bench/compare.ts).
//   npm run bench -- --scale [--sizes 100,300,1000]: only the site's builds at
//   those numbers of runs x 20,000 steps, with seconds and bytes per run (the
//   1,000-run fixture takes ~4 GB of the temp folder; its build, minutes).
import { parseArgs } from 'node:util';
import { benchFigure } from '../src/bench/charts';
import { benchCompare, type Clock } from '../src/bench/compare';
import { benchCorpusBound } from '../src/bench/corpus';
import { benchReference } from '../src/bench/reference';
import { benchSiteBuild, benchSiteScaling } from '../src/bench/site';
import { benchImport } from '../src/bench/import';
import { benchEventsRead } from '../src/bench/tfevents';
import { benchMatMul, benchPretrain, benchRL } from '../src/bench/train';

const { values } = parseArgs({
  options: { compare: { type: 'string' }, rounds: { type: 'string', default: '3' }, clock: { type: 'string', default: 'wall' }, scale: { type: 'boolean' }, sizes: { type: 'string', default: '100,300,1000' } },
});

function print(line: object): void {
  console.log(JSON.stringify(line));
}

if (values.compare) {
  if (values.clock !== 'wall' && values.clock !== 'cpu') throw new Error(`--clock: expected wall or cpu, got "${values.clock}"`);
  const log = (line: string) => console.error(line);
  for (const line of benchCompare(values.compare, Number(values.rounds), values.clock as Clock, log)) print(line);
} else if (values.scale) {
  const sizes = values.sizes.split(',').map(Number);
  if (sizes.length < 2 || sizes.some((runs) => !Number.isInteger(runs) || runs < 1)) throw new Error(`--sizes: expected two or more numbers of runs, got "${values.sizes}"`);
  print(await benchSiteScaling(sizes, print));
} else {
  const benches: (() => Promise<object>)[] = [
    async () => benchCorpusBound(),
    benchReference,
    benchMatMul,
    () => benchPretrain(),
    () => benchRL(),
    () => benchFigure(),
    async () => benchEventsRead(),
    async () => benchImport(),
    () => benchSiteScaling([25, 50, 100, 200], print),
    // The 100-run site built again with its cache kept, as a site is rebuilt.
    () => benchSiteBuild(100, 20_000, 1),
  ];
  for (const bench of benches) print(await bench());
}
