// npm run new-sweep -- <id> --vary beta=10,20,50 [--seeds 0,1,2] [--title "..."] [--force]: see src/runner/new-sweep.ts.
import { main } from '../src/runner/new-sweep';

process.exitCode = main(process.argv.slice(2));
