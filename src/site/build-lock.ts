// `astro build` holds a lock on what it shares with other builds, so two never
// mix. Astro writes the page bundle into a scratch folder that every build of
// one checkout shares when --outDir is outside it (<checkout>/.astro/.prerender;
// dist/.prerender otherwise), empties and fills the output folder, and keeps
// its content store in the cache folder (node_modules/.astro, shared by
// worktrees that link node_modules). Two builds at once took each other's
// modules or pages, and a failed build's bundle (its reports' HTML) stayed in
// the scratch folder. So a build takes <checkout>/.astro/sweepbook-build.lock
// and <cacheDir>/sweepbook-build.lock before anything else, refuses with one
// line while another build holds either, and empties the scratch folder when
// it starts (what a killed build left) and when it exits (what a failed one
// left: Astro removes it only on success). Then it reads each run once for
// all its pages and downloads (snapshotRuns in src/runs/reader.ts).
import { hostname } from 'node:os';
import { existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { isAlive, PID_NAMESPACE, snapshotRuns } from '../runs';
import { shortPath } from './short-path';

export const LOCK_FILE = 'sweepbook-build.lock';
/** A holder renews its lock this often; one not renewed for LEASE_MS is dead (a crashed machine's, on any host). */
const RENEW_MS = 20_000;
const LEASE_MS = 90_000;

interface Holder {
  token: string;
  host: string;
  pid: number;
  /** The holder's PID namespace: a pid is only comparable within one (containers on one host). */
  pidns: string;
  started: number;
  renewed: number;
}

export function buildLock(): AstroIntegration {
  return {
    name: 'sweepbook-build-lock',
    hooks: {
      'astro:config:setup': async ({ command, config }) => {
        if (command !== 'build') return;
        const root = process.cwd();
        const outDir = fileURLToPath(config.outDir);
        const inside = !relative(root, outDir).startsWith('..');
        // Where Astro bundles the pages (see getOutDirWithinCwd in astro/dist/core/build/common.js).
        const scratch = inside ? join(outDir, '.prerender') : join(root, '.astro', '.prerender');
        const dirs = [...new Set([join(root, '.astro'), resolve(fileURLToPath(config.cacheDir))])];
        const waitMs = 1000 * Number(process.env.SWEEPBOOK_BUILD_WAIT ?? 0);
        const held: string[] = [];
        for (const dir of dirs) {
          const file = join(dir, LOCK_FILE);
          const refusal = await acquire(file, waitMs);
          if (refusal) {
            release(held);
            console.error(refusal);
            process.exit(1);
          }
          held.push(file);
        }
        rmSync(scratch, { recursive: true, force: true });
        process.once('exit', () => {
          rmSync(scratch, { recursive: true, force: true });
          release(held);
        });
        setInterval(() => held.forEach(renew), RENEW_MS).unref();
        // Before anything reads a run: one snapshot of each run for every page and download of this build.
        snapshotRuns();
      },
    },
  };
}

// pids are compared within one PID namespace (containers on one host); without /proc, as if in one
const me = { token: randomUUID(), host: hostname(), pid: process.pid, pidns: PID_NAMESPACE ?? '' };

/** Takes the lock (waiting up to waitMs for a live holder); the line to print if another build holds it. */
async function acquire(file: string, waitMs: number): Promise<string | null> {
  mkdirSync(join(file, '..'), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    // Written aside and linked into place: link fails if the lock exists, and a reader never sees half a holder.
    const part = `${file}.${me.token}.tmp`;
    writeFileSync(part, JSON.stringify({ ...me, started: Date.now(), renewed: Date.now() } satisfies Holder));
    try {
      linkSync(part, file);
      return null;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(part);
    }
    if (!existsSync(file)) continue; // released since
    const holder = readHolder(file);
    if (!holder || isDead(holder)) {
      // A build that died (or half a lock, from a crash mid-write): take it over.
      rmSync(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      const since = new Date(holder.started).toTimeString().slice(0, 8);
      return `error: another build (pid ${holder.pid} on host ${holder.host}, since ${since}) is building from ${shortPath(join(file, '..'))}: wait for it, or remove ${shortPath(file)} if it died`;
    }
    await new Promise((done) => setTimeout(done, 500));
  }
}

function readHolder(file: string): Holder | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Holder;
  } catch {
    return null;
  }
}

function isDead(holder: Holder): boolean {
  if (Date.now() - holder.renewed > LEASE_MS) return true;
  // On this host, in this PID namespace, a pid that is gone is a build that died (killed, or out of memory).
  return holder.host === me.host && holder.pidns === me.pidns && holder.pid !== me.pid && !isAlive(holder.pid);
}

function renew(file: string): void {
  const holder = readHolder(file);
  if (holder?.token !== me.token) return;
  const part = `${file}.${me.token}.tmp`;
  writeFileSync(part, JSON.stringify({ ...holder, renewed: Date.now() }));
  renameSync(part, file);
}

function release(files: string[]): void {
  for (const file of files) if (readHolder(file)?.token === me.token) rmSync(file, { force: true });
}
