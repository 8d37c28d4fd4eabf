// How `npm run train` and its worker processes report an error nothing else
// caught (the CLI's main, scripts/train.ts, worker.ts): apart from the CLI, so
// a worker does not import the CLI that forks it.

/** One line for an error nothing else caught, rather than Node's stack trace (or tfjs-wasm's minified source). */
export function reportUnexpected(error: unknown, env: NodeJS.ProcessEnv = process.env): number {
  if (env.SWEEPBOOK_DEBUG === '1') console.error(error);
  else console.error(`train: ${error instanceof Error ? error.message : String(error)} (SWEEPBOOK_DEBUG=1 shows where)`);
  return 1;
}
