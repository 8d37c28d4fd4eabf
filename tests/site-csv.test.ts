import { describe, expect, test } from 'vitest';
import { toCsv } from '../src/site/csv';

describe('toCsv', () => {
  test('quotes a field holding a comma, a quote or a line break (RFC 4180), so columns stay put', () => {
    expect(toCsv([['step', 'loss, smoothed', 'say "hi"', 'two\nlines'], [1, 2, 3, 4]])).toBe(
      'step,"loss, smoothed","say ""hi""","two\nlines"\r\n1,2,3,4\r\n',
    );
  });

  test('neutralises text that a spreadsheet would run as a formula', () => {
    expect(toCsv([['=HYPERLINK("http://x")', '+1', '-cmd', '@SUM(A1)', 'ok']])).toBe(
      `"'=HYPERLINK(""http://x"")",'+1,'-cmd,'@SUM(A1),ok\r\n`,
    );
  });

  test('keeps numbers, negative ones too, as numbers; an empty cell for a missing value', () => {
    expect(toCsv([[-0.5, 1e-7, 0, null, undefined, -3]])).toBe('-0.5,1e-7,0,,,-3\r\n');
  });
});
