// The reader's hands on a runs table (runs-table.ts), as progressive
// enhancement: without this script the table is the whole static table. With
// it, each column head is a button that sorts the rows by that column
// (numbers as numbers: a metric cell's data-sort holds its unrounded value;
// cells with nothing in them last either way; again to reverse; aria-sort on
// the head), and a filter box above the table hides the rows that do not
// match, its count ("3 of 12 runs") in a live region. The filter's words must
// each match: `completed` anywhere in a row's text, `lr=0.5` a column (its
// head's name or logged name) exactly, `kl<2` or `lr>=0.01` a column's number.

interface Column {
  /** Lowercased names a filter term may call the column by: the head's first words, its logged name (code), its whole text. */
  names: string[];
}

/** A cell's key to sort by: a number, a text, or null (nothing: '–' or empty), which sorts last. */
type Key = number | string | null;

const MISSING = new Set(['', '–', '-']);

/** A cell's text without the steps a status cell also holds for phones (runs-table.ts). */
function cellText(cell: HTMLTableCellElement): string {
  let text = '';
  for (const node of cell.childNodes) if (!(node instanceof Element && node.classList.contains('steps-under'))) text += node.textContent;
  return text.replace(/\s+/g, ' ').trim();
}

function cellKey(cell: HTMLTableCellElement | undefined): Key {
  if (!cell) return null;
  const raw = cell.dataset.sort ?? cellText(cell);
  if (MISSING.has(raw)) return null;
  // "40/40" (steps) and "4.81 (4.7–4.9)" (a mean and its range) sort by their first number
  const number = /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?(?=$|[\s/])/i.exec(raw);
  return number ? Number(number[0]) : raw.toLowerCase();
}

function compareKeys(a: Key, b: Key): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** A filter term: `name=value`, `name<x` (also >, <=, >=) on a column, or words anywhere in the row. */
function matches(term: string, row: HTMLTableRowElement, text: string, columns: Column[]): boolean {
  const compare = /^([^=<>]+?)\s*(<=|>=|=|<|>)\s*(.+)$/.exec(term);
  if (compare) {
    const [, name, op, wanted] = compare;
    const index = columns.findIndex((column) => column.names.includes(name));
    if (index >= 0) {
      const key = cellKey(row.cells[index]);
      if (op === '=') {
        const text = cellText(row.cells[index]).toLowerCase();
        return text === wanted || (typeof key === 'number' && key === Number(wanted)) || key === wanted;
      }
      const x = Number(wanted);
      if (typeof key !== 'number' || Number.isNaN(x)) return false;
      return op === '<' ? key < x : op === '>' ? key > x : op === '<=' ? key <= x : key >= x;
    }
  }
  return text.includes(term);
}

for (const table of document.querySelectorAll<HTMLTableElement>('table.runs-table')) enhance(table);

function enhance(table: HTMLTableElement): void {
  const body = table.tBodies[0];
  const heads = [...table.tHead!.rows[0].cells] as HTMLTableCellElement[];
  if (!body || body.rows.length === 0) return;
  const rows = [...body.rows];
  const columns: Column[] = heads.map((head) => {
    const code = [...head.querySelectorAll('code')].map((element) => element.textContent!.trim().toLowerCase());
    const first = (head.firstChild?.textContent ?? '').trim().toLowerCase();
    return { names: [first, head.textContent!.trim().replace(/\s+/g, ' ').toLowerCase(), ...code].filter(Boolean) };
  });
  // The text a row's words are looked for in: its cells' text.
  const texts = new Map(rows.map((row) => [row, [...row.cells].map((cell) => cellText(cell).toLowerCase()).join(' ')]));

  // Sorting: a button in each head, its label the head's content.
  heads.forEach((head, index) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'sort-button';
    button.append(...head.childNodes);
    head.append(button);
    button.addEventListener('click', () => {
      const descending = head.getAttribute('aria-sort') === 'ascending';
      for (const other of heads) other.removeAttribute('aria-sort');
      head.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
      const keyed = [...body.rows].map((row) => ({ row, key: cellKey(row.cells[index]) }));
      keyed.sort((a, b) => {
        // nothing to sort by: last, whichever way
        if (a.key === null || b.key === null) return a.key === null ? (b.key === null ? 0 : 1) : -1;
        return descending ? compareKeys(b.key, a.key) : compareKeys(a.key, b.key);
      });
      body.append(...keyed.map(({ row }) => row));
    });
  });

  // Filtering: a labelled box above the table's box, and the count after it.
  // a seeded table's rows are values, or a grid's points (runs-table.ts says which)
  const unit = table.dataset.rows ?? 'runs';
  const box = table.closest('.table-scroll') ?? table;
  const filter = document.createElement('div');
  filter.className = 'table-filter';
  const label = document.createElement('label');
  label.textContent = `Filter ${unit} `;
  const input = document.createElement('input');
  input.type = 'search';
  input.placeholder = unit !== 'runs' ? 'e.g. completed, kl<2' : `e.g. completed, ${columns[1]?.names[0] ?? 'lr'}=…`;
  input.autocomplete = 'off';
  input.spellcheck = false;
  label.append(input);
  const count = document.createElement('span');
  count.className = 'table-filter-count';
  count.setAttribute('role', 'status');
  count.setAttribute('aria-live', 'polite');
  const total = rows.length;
  const say = (shown: number) => (count.textContent = `${shown} of ${total} ${unit}`);
  say(total);
  filter.append(label, ' ', count);
  box.before(filter);
  input.addEventListener('input', () => {
    const terms = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const row of rows) {
      const show = terms.every((term) => matches(term, row, texts.get(row)!, columns));
      row.hidden = !show;
      if (show) shown++;
    }
    say(shown);
  });
}
