// Every shell command in README.md and docs/*.md (fenced sh, bash and console
// blocks) is run as written: by .ci/run (a line of it), or by a test that
// passes the command's literal text to runAsWritten/startAsWritten
// (tests/fixtures/as-written.ts), this file included. A doc that gains a
// command nothing runs fails here. The cheap commands run below, in a sandbox.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runAsWritten, startAsWritten } from './fixtures/as-written';
import { writeFixtureContent, writeFixtureRuns } from './fixtures/site-fixture';

const ROOT = join(import.meta.dirname, '..');
const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** The commands of a markdown file's ```sh, ```bash and ```console blocks, one per line (continuations joined, comments dropped). */
export function commandsOf(markdown: string): string[] {
  const commands: string[] = [];
  const block = /^([ \t]*)```(sh|bash|console|shell)[^\n]*\n([\s\S]*?)^\1```/gm;
  for (const [, , lang, body] of markdown.matchAll(block)) {
    const lines = body.replace(/\s*\\\n\s*/g, ' ').split('\n').map((line) => line.trim());
    for (let line of lines) {
      if (lang === 'console') {
        if (!line.startsWith('$ ')) continue; // output
        line = line.slice(2);
      }
      line = line.replace(/\s+#.*$/, '').trim();
      if (line && !line.startsWith('#')) commands.push(line);
    }
  }
  return commands;
}

/**
 * Commands that need what no test here has, with the test that runs the same
 * thing and what it must contain. Slurm: tests/slurm.test.ts submits the two
 * sbatch lines on a one-node cluster, with --quick, --chdir and --output added.
 */
const RUN_ELSEWHERE: Record<string, { test: string; contains: string[] }> = {
  'job=$(sbatch --parsable --array=1-8 scripts/slurm/sweep.sbatch --sweep kl-penalty-first)': {
    test: 'tests/slurm.test.ts',
    contains: ["'--array=1-3', 'scripts/slurm/sweep.sbatch', '--sweep'", '--parsable'],
  },
  'sbatch --dependency=afterok:$job scripts/slurm/build.sbatch': {
    test: 'tests/slurm.test.ts',
    contains: ['`--dependency=afterok:${job}`', "'scripts/slurm/build.sbatch'"],
  },
};

function testFiles(dir = join(ROOT, 'tests')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? testFiles(join(dir, entry.name)) : entry.name.endsWith('.test.ts') ? [join(dir, entry.name)] : [],
  );
}

/** Where `command` is run as written, or undefined. */
function runBy(command: string): string | undefined {
  const ci = readFileSync(join(ROOT, '.ci/run'), 'utf8').split('\n').map((line) => line.trim());
  if (ci.includes(command)) return '.ci/run';
  for (const file of testFiles()) {
    const source = readFileSync(file, 'utf8');
    if (!/\b(runAsWritten|startAsWritten)\(/.test(source)) continue;
    const literals = [`'${command.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`, `\`${command.replaceAll('`', '\\`').replaceAll('${', '\\${')}\``];
    if (literals.some((literal) => source.includes(`AsWritten(${literal}`))) return relative(ROOT, file);
  }
  const elsewhere = RUN_ELSEWHERE[command];
  if (elsewhere) {
    const source = readFileSync(join(ROOT, elsewhere.test), 'utf8');
    if (elsewhere.contains.every((part) => source.includes(part))) return elsewhere.test;
  }
  return undefined;
}

describe('every documented command is run as written', () => {
  it('finds commands in the docs (the extraction works)', () => {
    const readme = commandsOf(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(readme).toContain('npm ci');
    expect(readme).toContain('npm run new-sweep -- my-sweep --vary beta=3,40 --title "My first sweep"');
    expect(commandsOf('```console\n$ npm test # all\nok\n```\n\n```sh\nnpm run a \\\n  --b\n```\n```md\nnot this\n```\n')).toEqual(['npm test', 'npm run a --b']);
  });

  it('flags a command nothing runs', () => {
    expect(runBy('npm run train -- --sweep nothing-runs-this')).toBeUndefined();
  });

  for (const doc of DOCS) {
    it(doc, () => {
      const missing = commandsOf(readFileSync(join(ROOT, doc), 'utf8')).filter((command) => runBy(command) === undefined);
      expect(missing, `${doc}: commands no test or .ci/run runs as written (run them with runAsWritten in a test)`).toEqual([]);
    });
  }
});

describe('the cheap commands, run here in a sandbox', () => {
  const sandbox = mkdtempSync(join(tmpdir(), 'sweepbook-docs-'));
  afterAll(() => rmSync(sandbox, { recursive: true, force: true }));

  it('npm run train -- --help prints the options docs/training.md lists', () => {
    const result = runAsWritten('npm run train -- --help', { cwd: ROOT, timeout: 60_000 });
    expect(result.status, result.stderr).toBe(0);
    const table = readFileSync(join(ROOT, 'docs/training.md'), 'utf8');
    for (const option of result.stdout.matchAll(/^\s+(--[a-z]+)/gm)) {
      if (option[1] !== '--help') expect(table).toContain(`\`${option[1]} `.trimEnd());
    }
  });

  it('npm run train -- --sweep mlp-learning-rate runs the example program (docs/sweeping-a-program.md, the README)', () => {
    const runsDir = join(sandbox, 'mlp-runs');
    const result = runAsWritten('npm run train -- --sweep mlp-learning-rate', { cwd: ROOT, env: { RUNS_DIR: runsDir }, timeout: 120_000 });
    expect(result.status, result.stdout + result.stderr).toBe(0);
    const runs = readdirSync(runsDir).filter((name) => !name.startsWith('.'));
    expect(runs).toHaveLength(6);
    for (const run of runs) {
      const info = JSON.parse(readFileSync(join(runsDir, run, 'run.json'), 'utf8'));
      expect(info.status).toBe('completed');
      expect(info.process.exit_code).toBe(0);
      expect(readdirSync(join(runsDir, run))).toEqual(expect.arrayContaining(['command.log', 'out', 'metrics.jsonl']));
    }
  }, 120_000);

  it('npm run dev serves the reports from the runs', async () => {
    const contentDir = join(sandbox, 'content');
    const runsDir = join(sandbox, 'runs');
    writeFixtureContent(contentDir);
    writeFixtureRuns(runsDir, 5);
    const env = { CONTENT_DIR: contentDir, RUNS_DIR: runsDir, SITE_CACHE_DIR: join(sandbox, 'cache') };
    const dev = startAsWritten('npm run dev', { cwd: ROOT, env, timeout: 90_000 });
    try {
      const url = await dev.url;
      const page = await fetch(new URL('reports/fixture-report/', url));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Fixture report');
    } finally {
      dev.stop();
    }
  }, 120_000);
});
