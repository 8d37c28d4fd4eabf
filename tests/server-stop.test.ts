// `kill <pid>` of `npm run preview` or `npm run dev` stops the server too: the
// port is free again, for the next preview or dev server to take.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { writeFixtureContent, writeFixtureRuns } from './fixtures/site-fixture';

const ROOT = join(import.meta.dirname, '..');
const sandbox = mkdtempSync(join(tmpdir(), 'sweepbook-stop-'));
afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

/** A port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Whether something accepts connections on the port (astro listens on localhost). */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, 'localhost');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(condition: () => Promise<boolean>, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return condition();
}

/** Starts `npm run <script> -- --port <port> ...args`, kills the npm process with SIGTERM once the port is taken, and says whether the port is free 5 s later. */
async function portFreedAfterKill(script: string, args: string[], env: Record<string, string> = {}): Promise<boolean> {
  const port = await freePort();
  // Its own process group, so that the test can clean up whatever the kill leaves.
  const npm = spawn('npm', ['run', script, '--', '--port', String(port), ...args], { cwd: ROOT, env: { ...process.env, ...env }, detached: true, stdio: 'ignore' });
  try {
    expect(await waitFor(() => listening(port), 60_000), `npm run ${script} did not listen on ${port}`).toBe(true);
    process.kill(npm.pid!, 'SIGTERM');
    return await waitFor(async () => !(await listening(port)), 5_000);
  } finally {
    try {
      process.kill(-npm.pid!, 'SIGKILL');
    } catch {
      // all gone already
    }
  }
}

test('kill of npm run preview\'s pid stops astro preview and frees the port', async () => {
  const dist = join(sandbox, 'dist');
  mkdirSync(dist);
  writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Tiny</title>\n');
  expect(await portFreedAfterKill('preview', ['--outDir', dist])).toBe(true);
}, 90_000);

test('kill of npm run dev\'s pid stops astro dev and frees the port', async () => {
  const contentDir = join(sandbox, 'content');
  const runsDir = join(sandbox, 'runs');
  writeFixtureContent(contentDir);
  writeFixtureRuns(runsDir, 5);
  const env = { CONTENT_DIR: contentDir, RUNS_DIR: runsDir, SITE_CACHE_DIR: join(sandbox, 'cache') };
  expect(await portFreedAfterKill('dev', [], env)).toBe(true);
}, 120_000);
