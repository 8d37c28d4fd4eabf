// npm run train -- [options]: see src/train/cli.ts, or run with --help.
import { main } from '../src/train/cli';

// Exit explicitly: tfjs and worker handles would otherwise keep the process alive.
process.exit(await main(process.argv.slice(2)));
