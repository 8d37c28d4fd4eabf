// What a build puts into pages from a cache (drawn figures, the content
// store's rendered reports) is raw HTML, and caches sit on shared storage
// (node_modules/.astro, SITE_CACHE_DIR): whoever can write there could put a
// <script> into every page. So each kept entry carries an HMAC over its
// contents and its key, under a secret only this user can read
// (~/.cache/sweepbook/cache.key, mode 0600); an entry without a valid one is
// not used. A plain digest would not do: anyone could compute it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

let secret: Buffer | null | undefined;

function secretKey(): Buffer | null {
  if (secret !== undefined) return secret;
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'sweepbook');
  const file = join(dir, 'cache.key');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    try {
      writeFileSync(file, randomBytes(32), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    // Ours, and nobody else's to read or change: else no entry can be trusted.
    const stat = statSync(file);
    const ours = process.getuid === undefined || stat.uid === process.getuid();
    secret = ours && (stat.mode & 0o077) === 0 && stat.size === 32 ? readFileSync(file) : null;
  } catch {
    secret = null;
  }
  return secret;
}

/** The HMAC of a cache entry's key and contents; null when no secret can be had (then nothing cached is trusted, nor worth keeping). */
export function cacheMac(key: string, contents: string): string | null {
  const k = secretKey();
  return k && createHmac('sha256', k).update(`${key}\0${contents}`).digest('hex');
}

/** Whether mac is this user's HMAC of the entry. */
export function isCacheMac(key: string, contents: string, mac: unknown): boolean {
  const expected = cacheMac(key, contents);
  return expected !== null && typeof mac === 'string' && mac.length === expected.length && timingSafeEqual(Buffer.from(mac), Buffer.from(expected));
}
