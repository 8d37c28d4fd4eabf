import { randomInt } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

// Run ids read like the seed's: 20241030-225813soft-crafty-quetzal-of-tolerance.
// Two adjectives, an animal, and "of"/"from" + a noun give ~10^7 slugs a second.
const ADJECTIVES = [
  'agile', 'amber', 'brave', 'bright', 'calm', 'clever', 'crafty', 'curious', 'daring', 'deft',
  'eager', 'fancy', 'fierce', 'gentle', 'giddy', 'glad', 'grand', 'greedy', 'happy', 'humble',
  'icy', 'jolly', 'keen', 'kind', 'lively', 'lucky', 'mellow', 'merry', 'mighty', 'muscular',
  'nimble', 'noble', 'odd', 'optimistic', 'opal', 'patient', 'plucky', 'proud', 'quick', 'quiet',
  'quizzical', 'rapid', 'rough', 'rusty', 'shy', 'silent', 'sleepy', 'soft', 'steady', 'swift',
  'tall', 'tidy', 'upbeat', 'vivid', 'warm', 'wild', 'wise', 'witty', 'young', 'zesty',
];
const ANIMALS = [
  'albatross', 'badger', 'bison', 'bug', 'camel', 'cockatoo', 'crane', 'dingo', 'dolphin', 'eagle',
  'ferret', 'finch', 'gecko', 'gibbon', 'heron', 'hedgehog', 'ibis', 'iguana', 'jackal', 'jaguar',
  'koala', 'kestrel', 'labradoodle', 'lemur', 'llama', 'marmot', 'meerkat', 'newt', 'narwhal', 'ocelot',
  'otter', 'panda', 'pelican', 'puffin', 'quail', 'quetzal', 'raccoon', 'raven', 'salamander', 'seal',
  'silkworm', 'starfish', 'tapir', 'toucan', 'urchin', 'vole', 'walrus', 'wombat', 'yak', 'zebra',
];
const PLACES = ['from-ganymede', 'from-mars', 'from-the-deep', 'from-the-north', 'from-hell', 'from-atlantis'];
const VIRTUES = [
  'ampleness', 'awe', 'balance', 'courage', 'delight', 'grace', 'harmony', 'insight', 'joy', 'mirth',
  'patience', 'radiance', 'resolve', 'serenity', 'tolerance', 'valor', 'wonder', 'zeal',
];

function pick(words: readonly string[], draw: (n: number) => number = randomInt): string {
  return words[draw(words.length)];
}

/** A date as a run id starts: 20241030-225813 (UTC). */
export function timestamp(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getUTCFullYear()}${pad(date.getUTCMonth() + 1)}${pad(date.getUTCDate())}-` +
    `${pad(date.getUTCHours())}${pad(date.getUTCMinutes())}${pad(date.getUTCSeconds())}`
  );
}

/** A new run id: UTC time of day to the second, then a readable random slug. */
export function newRunId(date = new Date()): string {
  return `${timestamp(date)}${slug(randomInt)}`;
}

function slug(draw: (n: number) => number): string {
  const tail = draw(PLACES.length + VIRTUES.length) < PLACES.length ? pick(PLACES, draw) : `of-${pick(VIRTUES, draw)}`;
  return `${pick(ADJECTIVES, draw)}-${pick(ADJECTIVES, draw)}-${pick(ANIMALS, draw)}-${tail}`;
}

/** The slug that bytes (a digest, 5 bytes or more) pick: the same bytes, the same slug. */
export function slugOf(bytes: Uint8Array): string {
  let i = 0;
  return slug((n) => bytes[i++] % n);
}

/**
 * Makes a new run folder and returns its id. mkdir without `recursive` fails
 * if the folder exists, so two processes that draw the same id in the same
 * second cannot both own it: the loser draws again.
 */
export function createRunDir(runsDir: string, date = new Date()): { id: string; dir: string } {
  makeRunsDir(runsDir);
  for (let attempt = 0; ; attempt++) {
    const id = newRunId(date);
    const dir = join(runsDir, id);
    try {
      mkdirSync(dir);
      return { id, dir };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 1000) throw error;
    }
  }
}

/**
 * `mkdir -p` of the runs folder. Not mkdirSync's `recursive`: where a parent
 * exists but refuses children with ENOENT (/proc, a dangling symlink), Node's
 * retries forever. Here the retry after making the parent is the last.
 */
export function makeRunsDir(dir: string, parentMade = false): void {
  try {
    mkdirSync(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // Made meanwhile by another trainer is fine; statSync throws for a dangling symlink.
    if (code === 'EEXIST' && statSync(dir).isDirectory()) return;
    if (code !== 'ENOENT' || parentMade || dirname(dir) === dir) throw error;
    makeRunsDir(dirname(dir));
    makeRunsDir(dir, true);
  }
}
