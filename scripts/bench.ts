// npm run bench: prints one JSON line per benchmark. Each bench lives in src/bench.
import { benchMatMul, benchPretrain, benchRL } from '../src/bench/train';

const benches: (() => Promise<object>)[] = [benchMatMul, () => benchPretrain(), () => benchRL()];

for (const bench of benches) console.log(JSON.stringify(await bench()));
