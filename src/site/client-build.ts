// The start of `astro build`'s client build, the last bundling before the
// pages are rendered. Astro 6 calls astro:build:setup once, before Vite builds
// any of its environments (prerender, then client), so a hook cannot see it: a
// Vite plugin can, by the environment whose build starts.
import type { ViteUserConfig } from 'astro';

/** A Vite plugin of the Vite that Astro runs (the project has another, vitest's). */
type AstroVitePlugin = Extract<NonNullable<ViteUserConfig['plugins']>[number], { name: string }>;

/** A Vite plugin that calls `start` when the client environment's build starts. */
export function onClientBuildStart(name: string, start: () => void): AstroVitePlugin {
  return {
    name,
    apply: 'build',
    buildStart() {
      if (this.environment.name === 'client') start();
    },
  };
}
