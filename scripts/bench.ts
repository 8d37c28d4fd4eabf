// npm run bench: prints one JSON line per benchmark. Each bench lives in src/bench.
import { benchFigure } from '../src/bench/charts';
import { benchCorpusBound } from '../src/bench/corpus';
import { benchSiteBuild } from '../src/bench/site';
import { benchMatMul, benchPretrain, benchRL } from '../src/bench/train';

const benches: (() => Promise<object>)[] = [
  async () => benchCorpusBound(),
  benchMatMul,
  () => benchPretrain(),
  () => benchRL(),
  () => benchFigure(),
  () => benchSiteBuild(),
];

for (const bench of benches) console.log(JSON.stringify(await bench()));
