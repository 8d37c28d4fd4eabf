// Links inside the site, under its base path (astro.config.mjs `base`, from
// env SITE_BASE), whether or not the base ends in a slash.

/** The base path with exactly one trailing slash: "/" or "/sweepbook/". */
export function basePath(base: string = import.meta.env.BASE_URL): string {
  return base.endsWith('/') ? base : `${base}/`;
}

/** A site path such as "runs/<id>/" under the base. */
export function href(path: string): string {
  return basePath() + path.replace(/^\//, '');
}
