// Links inside the site, under its base path (env SITE_BASE, e.g. "/sweepbook/"
// for a project's GitHub Pages), whether or not the base ends in a slash.
// Read from the environment rather than import.meta.env.BASE_URL: a parent
// process (vitest, for one) may export its own BASE_URL, which Vite would pick up.

/** The base path with exactly one trailing slash: "/" or "/sweepbook/". */
export function basePath(base: string = process.env.SITE_BASE ?? '/'): string {
  return base.endsWith('/') ? base : `${base}/`;
}

/** A site path such as "runs/<id>/" under the base. */
export function href(path: string): string {
  return basePath() + path.replace(/^\//, '');
}

/**
 * A link to a run's page ("") or one of its files, its id encoded as a path
 * segment. Run ids are checked to need no escape (src/runs/reader.ts); the
 * encoding is so that no id could make a link point elsewhere all the same.
 */
export function runHref(id: string, file = ''): string {
  return href(`runs/${encodeURIComponent(id)}/${file}`);
}
