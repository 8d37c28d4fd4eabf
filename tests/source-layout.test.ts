// The source layout: one folder per part, no import cycles. src/train is the
// ML of one run, src/corpus the story corpus it trains on, src/runner the
// sweep runner that decides which runs to train and runs them: the runner
// uses the other two, never the other way round, and the corpus needs
// nothing of the ML. Read from each file's relative specifiers: static
// `import ... from` and `export ... from` (`import type` too: a type-only
// cycle is still two modules that cannot be read apart), side-effect
// `import '...'`, and `new URL('./...', import.meta.url)` (a worker or child
// process started from that file). Every relative specifier, and those of
// `import('./...')` and tsImport('./...'), must name a file that exists: a
// worker's path breaks silently when a file moves.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = /\.(ts|mjs)$/;

type Sources = Map<string, string>;

/** Every .ts and .mjs file under `dir`, by path relative to the repository (forward slashes). */
function readSources(dir: string): Sources {
  const out: Sources = new Map();
  const walk = (at: string) => {
    for (const name of readdirSync(at).sort()) {
      const path = join(at, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (SOURCE.test(name)) out.set(posix(relative(ROOT, path)), readFileSync(path, 'utf8'));
    }
  };
  walk(join(ROOT, dir));
  return out;
}

const posix = (path: string) => path.split('\\').join('/');

// At the start of a line, so an example in a comment (`// import x from`, ` * import`) is not read.
const STATIC = /^[ \t]*(?:import|export)\s+(?:type\s+)?(?:[\w$]+\s*,?\s*)?(?:\*\s*(?:as\s+[\w$]+)?|\{[^}]*\})?\s*from\s*(['"])(\.{1,2}\/[^'"]*)\1/gm;
const SIDE_EFFECT = /^[ \t]*import\s*(['"])(\.{1,2}\/[^'"]*)\1/gm;
const URL_OF = /new\s+URL\(\s*(['"])(\.{1,2}\/[^'"]*)\1\s*,\s*import\.meta\.url\s*\)/g;
// Loaded at run time, by the file itself or a worker entry: checked to exist, not edges of the module graph.
const DYNAMIC = /\b(?:import|tsImport)\(\s*(['"])(\.{1,2}\/[^'"]*)\1/g;

const specifiers = (source: string, pattern: RegExp) => [...source.matchAll(pattern)].map((m) => m[2]);

/** The file a relative specifier names, as TypeScript and tsx resolve it (the extension may be left off), or null. */
function resolveSpecifier(from: string, spec: string, exists: (path: string) => boolean): string | null {
  const target = posix(relative(ROOT, resolve(ROOT, dirname(from), spec)));
  const candidates = [target, `${target}.ts`, `${target}.mjs`, target.replace(/\.js$/, '.ts'), `${target}/index.ts`];
  return candidates.find(exists) ?? null;
}

interface Graph {
  /** file -> the source files it imports (or starts as a worker). */
  edges: Map<string, string[]>;
  /** `file: 'specifier'` for each relative specifier naming no file. */
  unresolved: string[];
}

function buildGraph(sources: Sources, exists: (path: string) => boolean): Graph {
  const edges = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const [file, source] of sources) {
    const targets = new Set<string>();
    const graphSpecs = [...specifiers(source, STATIC), ...specifiers(source, SIDE_EFFECT), ...specifiers(source, URL_OF)];
    for (const spec of graphSpecs) {
      if (spec.endsWith('/')) continue; // a folder (the project root, say): not a module
      const target = resolveSpecifier(file, spec, exists);
      // A native addon (native/build/...) exists only once built: only source files must exist.
      if (target === null && (SOURCE.test(spec) || !/\.\w+$/.test(spec))) unresolved.push(`${file}: '${spec}'`);
      if (target !== null && sources.has(target)) targets.add(target);
    }
    for (const spec of specifiers(source, DYNAMIC)) {
      if (resolveSpecifier(file, spec, exists) === null) unresolved.push(`${file}: '${spec}'`);
    }
    edges.set(file, [...targets].sort());
  }
  return { edges, unresolved };
}

/** Each import cycle found, as its files in import order, the first repeated at the end; one per back edge of a depth-first walk. */
function findCycles(edges: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of edges.get(file) ?? []) {
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of [...edges.keys()].sort()) if (!state.has(file)) visit(file);
  return cycles;
}

/** Imports across parts that the layout forbids, as `from -> to`. */
function forbiddenImports(edges: Map<string, string[]>): string[] {
  const rules: { from: string; to: string }[] = [
    { from: 'src/train/', to: 'src/runner/' },
    { from: 'src/corpus/', to: 'src/runner/' },
    { from: 'src/corpus/', to: 'src/train/' },
  ];
  const out: string[] = [];
  for (const [file, targets] of edges) {
    for (const target of targets) {
      if (rules.some((rule) => file.startsWith(rule.from) && target.startsWith(rule.to))) out.push(`${file} -> ${target}`);
    }
  }
  return out;
}

const onDisk = (path: string) => existsSync(join(ROOT, path)) && statSync(join(ROOT, path)).isFile();

describe('source layout', () => {
  const sources = readSources('src');
  const graph = buildGraph(sources, onDisk);

  it('reads the imports of src', () => {
    // A sanity check on the reading itself: these edges exist.
    expect(graph.edges.get('src/runner/cli.ts')).toContain('src/runner/plan.ts');
    expect(graph.edges.get('src/runner/pool.ts')).toContain('src/runner/worker.ts'); // new URL: the forked worker
    expect(graph.edges.get('src/train/rl.ts')).toContain('src/corpus/stories.ts');
    expect(graph.edges.get('src/runs/index.ts')).toContain('src/runs/reader.ts'); // export ... from
    expect(graph.edges.get('src/runs/metrics-prefetch.ts')).toContain('src/runs/metrics-prefetch.worker.mjs');
  });

  it('every relative specifier names a file that exists', () => {
    expect(graph.unresolved).toEqual([]);
  });

  it('has no import cycle', () => {
    const cycles = findCycles(graph.edges);
    expect(cycles.map((cycle) => cycle.join(' -> ')), 'import cycles in src').toEqual([]);
  });

  it('src/train and src/corpus import nothing of src/runner, and src/corpus nothing of src/train', () => {
    expect(forbiddenImports(graph.edges)).toEqual([]);
  });

  it('finds a cycle, also through import type and new URL, and a forbidden import', () => {
    const fixture: Sources = new Map([
      ['src/a.ts', "import { b } from './b';\n// import { c } from './c'; (a comment: not read)\n"],
      ['src/b.ts', "import type {\n  A,\n} from './a';\nexport const b = 1;\n"],
      ['src/c.ts', "const w = new URL('./d.mjs', import.meta.url);\n"],
      ['src/d.mjs', "export * from './c.ts';\n"],
      ['src/corpus/x.ts', "import { y } from '../train/y';\n"],
      ['src/train/y.ts', "export { z } from '../runner/z';\n"],
      ['src/runner/z.ts', "const later = await import('./missing');\n"],
    ]);
    const { edges, unresolved } = buildGraph(fixture, (path) => fixture.has(path));
    expect(findCycles(edges).map((cycle) => cycle.join(' -> '))).toEqual(['src/a.ts -> src/b.ts -> src/a.ts', 'src/c.ts -> src/d.mjs -> src/c.ts']);
    expect(forbiddenImports(edges)).toEqual(['src/corpus/x.ts -> src/train/y.ts', 'src/train/y.ts -> src/runner/z.ts']);
    expect(unresolved).toEqual(["src/runner/z.ts: './missing'"]);
  });
});
