// `astro build` says where its time went, by the hooks Astro calls between
// its phases, as one line at its end (`npm run bench` reads it): starting up
// (Node, Astro and the config), content (Vite's setup and the content sync:
// reports rendered, their figures drawn), bundling (Vite's server and client
// builds), pages (every page rendered and written) and finishing (the
// integrations' build:done work: the runs' metrics downloads). Registered
// last, so its build:done runs after the others'.
import type { AstroIntegration } from 'astro';
import { onClientBuildStart } from './client-build';

export const PHASES = ['startup', 'content', 'bundling', 'pages', 'finishing'] as const;
export type BuildPhases = Record<(typeof PHASES)[number], number>;

export function buildPhases(): AstroIntegration {
  // performance.now() counts from the process's start.
  const at: number[] = [];
  return {
    name: 'sweepbook-build-phases',
    hooks: {
      'astro:config:setup': ({ command, updateConfig }) => {
        if (command !== 'build') return;
        at.push(performance.now());
        // the client's build is the last before pages are rendered
        updateConfig({ vite: { plugins: [onClientBuildStart('sweepbook-build-phases', () => void at.push(performance.now()))] } });
      },
      'astro:build:start': () => void at.push(performance.now()),
      'astro:build:generated': () => void at.push(performance.now()),
      'astro:build:done': ({ logger }) => {
        at.push(performance.now());
        if (at.length !== PHASES.length) return; // a hook did not run as expected (another Astro): say nothing rather than wrong
        const seconds = at.map((t, i) => (t - (i === 0 ? 0 : at[i - 1])) / 1000);
        logger.info(`phases: ${PHASES.map((phase, i) => `${phase} ${seconds[i].toFixed(1)} s`).join(', ')}`);
      },
    },
  };
}

/** The phases from a build's output (see buildPhases), or null if it has none. */
export function parseBuildPhases(output: string): BuildPhases | null {
  const line = /phases: (.*)/.exec(output)?.[1];
  if (!line) return null;
  const seconds = new Map([...line.matchAll(/(\w+) ([\d.]+) s/g)].map(([, phase, value]) => [phase, Number(value)]));
  if (!PHASES.every((phase) => seconds.has(phase))) return null;
  return Object.fromEntries(PHASES.map((phase) => [phase, seconds.get(phase)!])) as BuildPhases;
}
