// CSV downloads as RFC 4180 has them, safe to open in a spreadsheet.

export type CsvCell = string | number | null | undefined;

/** Rows as CSV text: CRLF line ends, an empty cell for null or undefined. */
export function toCsv(rows: CsvCell[][]): string {
  return rows.map((row) => row.map(csvCell).join(',') + '\r\n').join('');
}

function csvCell(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell === 'number') return String(cell);
  // Text from run folders (metric names) could start like a formula, which a
  // spreadsheet would run (OWASP "CSV injection"): a quote makes it text.
  const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
