// Metric names and values a copied-in run folder may hold that vega-lite
// would read as something else: each must draw as what it is (issue 27, item 3).
import { describe, expect, it } from 'vitest';
import { renderFinalMetricFigure, renderLineFigure } from '../src/charts/figure';
import { renderScatterFigureWithSpec } from '../src/charts/figure';
import { seriesFrom, type LineSeries } from '../src/charts/types';

/** The texts a drawing writes, trimmed (SVG does not draw a trailing space). */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map(([, text]) => text.trim());
}

const line = (values: number[], label = 'beta=1'): LineSeries => ({ label, color: 'teal', logged: seriesFrom(values.map((value, step) => ({ step: step + 1, value }))) });

describe('a metric named as an Object.prototype member', () => {
  // vega looks text up in a plain object: "constructor" failed with "Operator not defined: undefined", "__proto__" drew no title
  for (const metric of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__']) {
    it(`draws ${metric} as its axis title, in both drawings`, async () => {
      const svg = await renderLineFigure({ series: [line([1, 2, 3])], metric, idPrefix: 'p' });
      expect(texts(svg).filter((text) => text === metric)).toHaveLength(2);
      const seeded = await renderLineFigure({ series: [{ ...line([1, 2, 3]), seeds: [line([1, 2, 3]).logged, line([2, 3, 4]).logged] }], metric, idPrefix: 'p' });
      expect(texts(seeded)).toContain(metric);
    });
  }

  it('draws such names as ::final and ::scatter titles and run labels too', async () => {
    const final = await renderFinalMetricFigure({ sweeps: [{ name: 's', runs: [{ label: 'valueOf', color: 'red', x: 1, value: 2 }, { label: 'b', color: 'blue', x: 2, value: 3 }] }], xTitle: 'constructor', yTitle: 'toString', idPrefix: 'f' });
    expect(texts(final)).toEqual(expect.arrayContaining(['constructor', 'toString']));
    const labelled = await renderLineFigure({ series: [line([1, 2], 'constructor'), line([2, 1], 'toString')], metric: 'kl', idPrefix: 'p' });
    expect(texts(labelled)).toEqual(expect.arrayContaining(['constructor', 'toString']));
    const path = { steps: Float64Array.of(1, 2), x: Float64Array.of(1, 2), y: Float64Array.of(2, 3) };
    const scatter = await renderScatterFigureWithSpec({
      values: [{ label: 'a', color: 'red', paths: [path], end: { x: { mean: 2, min: 2, max: 2, seeds: 1 }, y: { mean: 3, min: 3, max: 3, seeds: 1 } } }],
      x: 'constructor',
      y: 'hasOwnProperty',
      idPrefix: 's',
    } as Parameters<typeof renderScatterFigureWithSpec>[0]);
    expect(texts(scatter.html)).toEqual(expect.arrayContaining(['constructor', 'hasOwnProperty']));
  });
});

describe('values near the largest double', () => {
  it('labels an axis spanning -1e308 to 1e308 with numbers, not NaN', async () => {
    const svg = await renderLineFigure({ series: [line([1e308, 0, -1e308])], metric: 'loss_scale', idPrefix: 'p' });
    const labels = texts(svg);
    expect(labels).not.toContain('NaN');
    // the y axis's labels read as the values drawn: its ends near ±1e308, 0 between
    const numbers = labels.map((text) => Number(text.replace('−', '-'))).filter((n) => Number.isFinite(n) && Math.abs(n) > 1e300);
    expect(Math.max(...numbers)).toBeGreaterThanOrEqual(8e307);
    expect(Math.min(...numbers)).toBeLessThanOrEqual(-8e307);
    expect(labels).toContain('0');
    // the line spans the plot's height: its highest and lowest points at the axis's ends, within the labelled range
    expect(svg).not.toMatch(/d="[^"]*NaN/);
  });
});
