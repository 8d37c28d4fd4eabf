// npm run train -- [options]: see src/runner/cli.ts, or run with --help.
import { main } from '../src/runner/cli';
import { reportUnexpected } from '../src/runner/report-unexpected';

// Registered before tfjs's wasm module adds its own handler, which would print a
// line of minified source and exit with 7.
process.on('uncaughtException', (error) => process.exit(reportUnexpected(error)));

// Exit explicitly: tfjs and worker handles would otherwise keep the process alive.
process.exit(await main(process.argv.slice(2)));
