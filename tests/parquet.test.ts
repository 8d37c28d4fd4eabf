import { describe, expect, test } from 'vitest';
import { PAGE_ROWS, parquetFile } from '../src/site/parquet';
import { readParquet } from './read-parquet';

const file = (rows: number, columns: Parameters<typeof parquetFile>[1]) => Buffer.concat(parquetFile(rows, columns));

describe('parquet files', () => {
  test('every value read back to the bit, steps as integers, NaN and ±Infinity as nulls, across pages', async () => {
    const rows = PAGE_ROWS * 2 + 17;
    // steps with deltas of every size, some in the billions (packed in many bits), and doubles of every kind
    const steps = Array.from({ length: rows }, (_, i) => i * 3 + (i % 1000 === 0 ? i * 1e6 : 0) + Math.floor(i / 7) ** 2);
    for (let i = 1; i < rows; i++) steps[i] = Math.max(steps[i], steps[i - 1] + 1);
    const noisy = Float64Array.from({ length: rows }, (_, i) => Math.sin(i) * 10 ** ((i % 40) - 20));
    const sparse = Float64Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? i / 3 : i % 10 === 1 ? Infinity : i % 10 === 2 ? -Infinity : NaN));
    const special = Float64Array.from({ length: rows }, (_, i) => [0, -0, Number.MIN_VALUE, Number.MAX_VALUE, -1e-310, 0.1 + 0.2][i % 6]);
    const bytes = file(rows, [
      { name: 'step', type: 'int64', values: steps },
      { name: 'noisy', type: 'double', values: noisy },
      { name: '=odd, "name"', type: 'double', values: sparse },
      { name: 'special', type: 'double', values: special },
    ]);
    const { rows: read, columns } = await readParquet(bytes);
    expect(columns).toEqual([
      { name: 'step', type: 'INT64', repetition: 'REQUIRED' },
      { name: 'noisy', type: 'DOUBLE', repetition: 'OPTIONAL' },
      { name: '=odd, "name"', type: 'DOUBLE', repetition: 'OPTIONAL' },
      { name: 'special', type: 'DOUBLE', repetition: 'OPTIONAL' },
    ]);
    expect(read.length).toBe(rows);
    const wrong = read.filter((row, i) =>
      row.step !== steps[i] ||
      !Object.is(row.noisy, noisy[i]) ||
      row['=odd, "name"'] !== (Number.isFinite(sparse[i]) ? sparse[i] : null) ||
      !Object.is(row.special, special[i]));
    expect(wrong).toEqual([]);
  });

  test('a file of no rows holds its columns', async () => {
    const { rows, columns } = await readParquet(file(0, [{ name: 'step', type: 'int64', values: [] }, { name: 'time', type: 'double', values: new Float64Array(0) }]));
    expect(rows).toEqual([]);
    expect(columns.map((column) => column.name)).toEqual(['step', 'time']);
  });

  test('a column of another length than the rows is refused', () => {
    expect(() => file(2, [{ name: 'step', type: 'int64', values: [1] }])).toThrow('column step has 1 values, not 2');
  });
});
