// A figure of a sweep of many values (issue 28: a sweep page of 1,000 runs
// stays usable): past MANY_LINES its lines are thin and faint, a smoothed
// figure draws the smoothed lines alone, it has no legend of labels but the
// color ramp under it, and its markup stays bounded.
import { describe, expect, it } from 'vitest';
import { renderLineFigure } from '../src/charts/figure';
import { RAMP_STEPS, valueColors } from '../src/charts/palette';
import { lineSpec, MANY_LINES } from '../src/charts/spec';
import { seriesFrom, type LineSeries } from '../src/charts/types';
import { rampLegend, seedsNote } from '../src/markdown/figure-html';

function sweep(count: number, steps = 200): LineSeries[] {
  const colors = valueColors(Array.from({ length: count }, () => 'dodgerblue'));
  return colors.map((color, k) => ({
    label: `lr=${k}`,
    color,
    logged: seriesFrom(Array.from({ length: steps }, (_, i) => ({ step: i + 1, value: (1 - Math.exp(-i / 50)) / (1 + k / 100) + ((i * 7919 + k) % 13) / 200 }))),
  }));
}

/** Every line layer's mark of a spec. */
const lineMarks = (spec: object) => ((spec as { layer: { mark: { type: string; strokeWidth: number; opacity?: number } }[] }).layer).map((l) => l.mark).filter((m) => m.type === 'line');

describe('a figure of many lines', () => {
  it(`past ${MANY_LINES} lines: each 1 px and half see-through, and smoothed lines drawn without the raw ones under them`, () => {
    for (const smooth of [0, 0.6]) {
      const marks = lineMarks(lineSpec({ series: sweep(MANY_LINES + 1, 20), metric: 'raw_reward', smooth }));
      expect(marks).toHaveLength(1);
      expect(marks[0]).toMatchObject({ strokeWidth: 1, opacity: 0.5 });
    }
    // up to MANY_LINES as before: 2 px lines, a smoothed figure over its faint raw lines
    const few = lineMarks(lineSpec({ series: sweep(MANY_LINES, 20), metric: 'raw_reward', smooth: 0.6 }));
    expect(few.map((m) => m.strokeWidth)).toEqual([1.5, 2]);
  });

  it(`several seeds past ${MANY_LINES} values: the means alone, no bands (they could only be too faint to see), and the caption says so`, () => {
    const seeded = sweep(MANY_LINES + 1, 20).map((s) => ({ ...s, seeds: [s.logged, s.logged] }));
    const layers = (lineSpec({ series: seeded, metric: 'raw_reward' }) as unknown as { layer: { name: string }[] }).layer;
    expect(layers.map((l) => l.name)).toEqual(['mean']);
    expect((lineSpec({ series: seeded.slice(0, MANY_LINES), metric: 'raw_reward' }) as unknown as { layer: { name: string }[] }).layer.map((l) => l.name)).toEqual(['band', 'mean']);
    expect(seedsNote(seeded.map(() => 2), 'band')).toMatch(/^Each value's line is the mean over its 2 seeds \(no band of their range/);
    expect(seedsNote([2, 2, 2], 'band')).toContain('the band spans');
  });

  it('1,000 lines of 200 steps: no legend, a path per ramp color with every line in it, drawn on phones too, under 150 KB', async () => {
    const html = await renderLineFigure({ series: sweep(1000), metric: 'raw_reward', idPrefix: 'many' });
    expect(html).not.toContain('role-legend');
    // was 370 KB: each line's mark groups and attributes weighed as much as its points
    expect(html.length).toBeLessThan(150_000);
    const paths = [...html.matchAll(/<g class="mark-line role-mark raw_marks"><path [^>]*d="([^"]*)"[^>]*stroke="([^"]*)"/g)];
    expect(paths.length).toBeLessThanOrEqual(RAMP_STEPS);
    expect(new Set(paths.map(([, , stroke]) => stroke)).size).toBe(paths.length);
    // each line a subpath: its first point absolute (M) in the path, relative (m) after
    expect(paths.reduce((sum, [, d]) => sum + (d.match(/[Mm]/g) ?? []).length, 0)).toBe(1000);
    // the phone's drawing shows the wide drawing's lines
    expect(html).toContain('<use href="#many-lines-raw"');
  }, 120_000);

  it('the ramp under the figure: its first and last value, a gradient of each theme\'s colors; none for a few values', () => {
    const values = sweep(1000, 2).map(({ label, color }) => ({ label, themed: color as { light: string; dark: string } }));
    const legend = String(rampLegend(values));
    expect(legend).toContain('lr=0 <span class="ramp"');
    expect(legend).toContain('</span> lr=999 (1,000 values)');
    expect(legend).toContain(`--ramp:linear-gradient(to right,${values[0].themed.light},`);
    expect(legend).toContain(`--ramp-dark:linear-gradient(to right,${values[0].themed.dark},`);
    expect(String(rampLegend(values.slice(0, 3)))).toBe('');
  });
});
