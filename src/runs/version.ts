import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** sweepbook's own version, recorded in each run so old runs can be told apart. */
export function packageVersion(): string {
  cached ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  return cached;
}
