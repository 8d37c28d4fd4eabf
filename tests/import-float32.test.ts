import { describe, expect, it } from 'vitest';
import { shortFloat32 } from '../src/import/float32';
import { mulberry32 } from '../src/random';

/** The shortest decimal by trying 1, 2, ... 9 digits with toPrecision: slow, plainly right. */
function shortestByPrecision(x: number): number {
  for (let digits = 1; digits < 9; digits++) if (Math.fround(Number(x.toPrecision(digits))) === x) return Number(x.toPrecision(digits));
  return Number(x.toPrecision(9));
}

describe('shortFloat32', () => {
  it('is the same float32, in as few digits as the shortest decimal has, over values of every size', () => {
    const random = mulberry32(7);
    const values = [0.1, 1e-4, 3e-4, 2.5, 1 / 3, -0.7, 65504, 1e-38, 3.4e38, 1.4e-45, 123456789, 0.000123456];
    for (let i = 0; i < 50_000; i++) values.push(Math.exp((random() - 0.5) * 180) * (random() < 0.5 ? -1 : 1), random() * 3);
    for (const value of values) {
      const x = Math.fround(value);
      const short = shortFloat32(x);
      expect(Math.fround(short)).toBe(x);
      expect(String(short).replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length).toBe(String(shortestByPrecision(x)).replace(/^-|e.*$|\./g, '').replace(/^0+/, '').length);
    }
  });

  it('keeps 0, infinities and NaN as they are', () => {
    expect([0, Infinity, -Infinity].map(shortFloat32)).toEqual([0, Infinity, -Infinity]);
    expect(shortFloat32(NaN)).toBeNaN();
    expect(shortFloat32(Math.fround(0.1))).toBe(0.1);
  });
});
