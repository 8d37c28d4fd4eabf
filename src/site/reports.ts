// The reports collection for the pages. A site can have none yet (runs just
// imported, no report written): Astro's getCollection then warns on every page
// that asks, so it is not asked.
import { existsSync, readdirSync } from 'node:fs';
import { getCollection } from 'astro:content';
import { reportsDir } from './dirs';

export async function allReports() {
  const dir = reportsDir();
  const any = existsSync(dir) && readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((name) => name.endsWith('.md'));
  return any ? getCollection('reports') : [];
}
