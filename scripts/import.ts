// npm run import -- <format> <path> --sweep <id> [options]: see src/import/cli.ts, or run with --help.
import { main } from '../src/import/cli';

process.exitCode = await main(process.argv.slice(2));
