// Issue 26, item 1: a figure's colors a reader can tell apart. Each sweep's
// values are drawn in colors at least MIN_DISTANCE apart (CIEDE2000), and
// MIN_CVD_DISTANCE with simulated protanopia, deuteranopia and tritanopia,
// each of 3:1 against its page, in both themes; the default palette needs no
// adjusting.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contrast, PAGE_BACKGROUND, parseHex } from '../src/charts/contrast';
import { ciede2000, MAX_DISTINCT_COLORS, RAMP_STEPS, MIN_CVD_DISTANCE, MIN_DISTANCE, seen, valueColors, VISIONS } from '../src/charts/palette';
import { DEFAULT_COLORS, loadSweep } from '../src/runs';
import { cssColorHex } from '../src/runs/css-colors';

const THEMES = ['light', 'dark'] as const;
const rgb = (color: string) => parseHex(cssColorHex(color)!);

/** Every pair of drawn colors too close, or color short of 3:1, for a theme. */
function failures(colors: string[], theme: 'light' | 'dark'): string[] {
  const drawn = valueColors(colors).map((c) => c[theme]);
  const labs = drawn.map((c) => seen(rgb(c)));
  const found: string[] = [];
  drawn.forEach((c, i) => {
    if (contrast(rgb(c), parseHex(PAGE_BACKGROUND[theme])) < 3) found.push(`${c} under 3:1`);
    for (let j = 0; j < i; j++)
      VISIONS.forEach((vision, v) => {
        const d = ciede2000(labs[i][v], labs[j][v]);
        if (d < (v === 0 ? MIN_DISTANCE : MIN_CVD_DISTANCE)) found.push(`${colors[j]}/${colors[i]} ${vision} ${d.toFixed(1)}`);
      });
  });
  return found;
}

describe('value colors', () => {
  it('CIEDE2000 as Sharma, Wu and Dalal give it', () => {
    expect(ciede2000([50, 2.6772, -79.7751], [50, 0, -82.7485])).toBeCloseTo(2.0425, 4);
    expect(ciede2000([50, 2.5, 0], [73, 25, -18])).toBeCloseTo(27.1492, 4);
    expect(ciede2000([2.0776, 0.0795, -1.135], [0.9033, -0.0636, -0.5514])).toBeCloseTo(0.9082, 4);
  });

  it("every committed sweep's values can be told apart, with and without a color-vision deficiency, in both themes", () => {
    for (const file of readdirSync('content/sweeps')) {
      const colors = loadSweep(`content/sweeps/${file}`).values.map((v) => v.color);
      for (const theme of THEMES) expect(failures(colors, theme), `${file} ${theme}`).toEqual([]);
    }
    // what new-sweep wrote before: red, orange, gold, ... (orange and gold 1.8 apart with protanopia)
    const old = ['red', 'orange', 'gold', 'green', 'blue', 'violet', 'brown', 'teal', 'magenta', 'gray'];
    for (const theme of THEMES) expect(failures(old, theme), theme).toEqual([]);
  });

  it('only a color too close to one before it moves: the first value of a pair, and colors that pass, stay as written', () => {
    const [olive, goldenrod, peru, orange] = valueColors(['olive', 'darkgoldenrod', 'peru', 'darkorange']);
    expect(olive).toEqual({ light: 'olive', dark: 'olive' });
    expect(goldenrod.light).not.toBe('darkgoldenrod');
    expect([peru.light, orange.light]).not.toContain('peru');
    expect(valueColors(['blue', 'red'])[0].light).toBe('blue');
  });

  it('the default palette is drawn as written in both themes, all 8 colors', () => {
    expect(DEFAULT_COLORS).toHaveLength(8);
    for (const theme of THEMES) {
      expect(valueColors(DEFAULT_COLORS).map((c) => c[theme])).toEqual(DEFAULT_COLORS);
      expect(failures(DEFAULT_COLORS, theme)).toEqual([]);
    }
  });
});

describe('the colors of a sweep of many values', () => {
  it('past MAX_DISTINCT_COLORS: a ramp in the sweep file\'s order, blue to red, each of 3:1 in both themes, in milliseconds', () => {
    const colors = Array.from({ length: 1000 }, (_, i) => DEFAULT_COLORS[i % DEFAULT_COLORS.length]);
    const start = performance.now();
    const drawn = valueColors(colors);
    // the search for distinct colors took 33 s at 50 values; the ramp is a loop
    expect(performance.now() - start).toBeLessThan(1000);
    expect(drawn).toHaveLength(1000);
    for (const theme of THEMES) {
      const bg = parseHex(PAGE_BACKGROUND[theme]);
      for (const color of drawn) expect(contrast(parseHex(color[theme]), bg)).toBeGreaterThanOrEqual(3);
      // from blue (blue above red) to red (red above blue)
      const [first, last] = [parseHex(drawn[0][theme]), parseHex(drawn.at(-1)![theme])];
      expect(first[2]).toBeGreaterThan(first[0]);
      expect(last[0]).toBeGreaterThan(last[2]);
      // in RAMP_STEPS steps, neighbours close, the ends far apart: a ramp, not a palette repeating
      expect(new Set(drawn.map((c) => c[theme])).size).toBe(RAMP_STEPS);
      const labs = drawn.map((c) => seen(parseHex(c[theme]))[0]);
      expect(Math.max(...labs.slice(1).map((lab, i) => ciede2000(lab, labs[i])))).toBeLessThan(10);
      expect(ciede2000(labs[0], labs.at(-1)!)).toBeGreaterThan(40);
    }
  });

  it('up to MAX_DISTINCT_COLORS the values keep their own colors', () => {
    const colors = DEFAULT_COLORS.slice(0, 3);
    expect(valueColors(colors).map((c) => c.light)).toEqual(colors.map((c) => valueColors([c])[0].light));
    expect(MAX_DISTINCT_COLORS).toBeGreaterThanOrEqual(DEFAULT_COLORS.length);
  });
});
