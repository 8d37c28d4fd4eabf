// npm run bench: prints one JSON line per benchmark. Each bench lives in src/bench.
import { benchFigure } from '../src/bench/charts';
import { benchSiteBuild, benchSiteScaling } from '../src/bench/site';
import { benchMatMul, benchPretrain, benchRL } from '../src/bench/train';

const benches: (() => Promise<object>)[] = [
  benchMatMul,
  () => benchPretrain(),
  () => benchRL(),
  () => benchFigure(),
  () => benchSiteScaling([25, 50, 100, 200], print),
  // The 100-run site built again with its cache kept, as a site is rebuilt.
  () => benchSiteBuild(100, 20_000, 1),
];

function print(line: object): void {
  console.log(JSON.stringify(line));
}

for (const bench of benches) print(await bench());
