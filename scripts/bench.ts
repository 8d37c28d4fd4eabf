// npm run bench: prints one JSON line per benchmark. Each bench lives in src/bench.
//   npm run bench -- --compare <git-ref> [--rounds n]: training speed of this
//   tree against <ref>, alternating runs of both (see src/bench/compare.ts).
import { parseArgs } from 'node:util';
import { benchFigure } from '../src/bench/charts';
import { benchCompare } from '../src/bench/compare';
import { benchSiteBuild } from '../src/bench/site';
import { benchMatMul, benchPretrain, benchRL } from '../src/bench/train';

const { values } = parseArgs({ options: { compare: { type: 'string' }, rounds: { type: 'string', default: '3' } } });

if (values.compare) {
  const rounds = Number(values.rounds);
  for (const line of benchCompare(values.compare, rounds, (l) => console.error(l))) console.log(JSON.stringify(line));
} else {
  const benches: (() => Promise<object>)[] = [
    benchMatMul,
    () => benchPretrain(),
    () => benchRL(),
    () => benchFigure(),
    () => benchSiteBuild(),
  ];
  for (const bench of benches) console.log(JSON.stringify(await bench()));
}
