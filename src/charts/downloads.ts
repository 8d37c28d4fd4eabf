// A figure's downloads: its data as CSV and its vega-lite spec as JSON (which
// opens as is in the Vega editor, https://vega.github.io/editor/).
import type { TopLevelSpec } from 'vega-lite';
import { toCsv, type CsvCell } from '../site/csv';

type Row = Record<string, CsvCell>;
interface Layer {
  name?: string;
  data?: { values?: Row[] };
}

/**
 * The rows a figure draws, one table: a `layer` column names the layer each
 * row is drawn in (raw, smoothed, band, mean, seeds, ends...), then the
 * union of the layers' fields in the order they first appear.
 */
export function figureCsv(spec: TopLevelSpec): string {
  const top = spec as { data?: { values?: Row[] }; layer?: Layer[] };
  const tables: { name: string; rows: Row[] }[] = [];
  if (top.data?.values) tables.push({ name: 'values', rows: top.data.values });
  for (const [i, layer] of (top.layer ?? []).entries()) {
    if (layer.data?.values) tables.push({ name: layer.name ?? `layer ${i + 1}`, rows: layer.data.values });
  }
  const columns = [...new Set(tables.flatMap(({ rows }) => rows.flatMap((row) => Object.keys(row))))];
  return toCsv([['layer', ...columns], ...tables.flatMap(({ name, rows }) => rows.map((row) => [name, ...columns.map((c) => row[c])]))]);
}

/** The spec as a file: indented a little, so it reads in an editor. */
export function figureSpecJson(spec: TopLevelSpec): string {
  return `${JSON.stringify(spec, null, 1)}\n`;
}
