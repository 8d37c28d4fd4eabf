import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { withExtremePoints } from '../src/charts/line-points';
import { prefixIds } from '../src/charts/render';
import { lineSpec } from '../src/charts/spec';
import { viewOf } from '../src/charts/spec-templates';
import { seriesFrom, type LineSeries } from '../src/charts/types';

/** A noisy line with a gap (a non-finite value) and a dip below zero. */
function line(k: number, steps = 400): LineSeries['logged'] {
  return seriesFrom(Array.from({ length: steps }, (_, i) => ({ step: i + 1, value: i === 150 + k ? NaN : Math.sin(i / (9 + k)) - 0.2 + ((i * 7919) % 13) / 40 })));
}

const runs: LineSeries[] = ['red', 'green', 'blue'].map((color, k) => ({ label: `beta=${k}`, color, logged: line(k) }));
const seeded: LineSeries[] = runs.map((run, k) => ({ ...run, seeds: [line(k), line(k + 3), line(k + 5, 300)] }));

/** What vega draws for the spec: every point through its dataflow, or laid out from the extremes with the points set after. */
async function drawn(spec: TopLevelSpec, extremesFirst: boolean): Promise<string> {
  if (!extremesFirst) return prefixIds(await viewOf(spec).toSVG(), 'f');
  const { spec: cut, setPoints } = withExtremePoints(spec);
  const view = viewOf(cut);
  await view.runAsync();
  setPoints(view);
  return prefixIds(await view.toSVG(), 'f');
}

describe('laying a line figure out from its extreme points', () => {
  const cases: [string, TopLevelSpec][] = [
    ['one run', lineSpec({ series: runs.slice(0, 1), metric: 'raw_reward' })],
    ['runs, smoothed over their raw lines', lineSpec({ series: runs, metric: 'raw_reward', smooth: 0.6 })],
    ['a metric clipped at 0 (KL)', lineSpec({ series: runs, metric: 'kl' })],
    ['seeds as a band', lineSpec({ series: seeded, metric: 'raw_reward', smooth: 0.3 })],
    ["each seed's line", lineSpec({ series: seeded, metric: 'raw_reward', seedLines: 'all' })],
    ['a narrow drawing', lineSpec({ series: runs, metric: 'entropy', size: 'narrow' })],
  ];
  for (const [name, spec] of cases) {
    it(`draws the same SVG as vega given every point: ${name}`, async () => {
      const svg = await drawn(spec, true);
      expect(svg).toContain('mark-line');
      expect(svg).toBe(await drawn(spec, false));
    });
  }

  it('gives vega a few rows a line, not every point', () => {
    const { spec } = withExtremePoints(lineSpec({ series: runs, metric: 'raw_reward' }));
    const [layer] = (spec as { layer: { data: { values: object[] } }[] }).layer;
    expect(layer.data.values.length).toBeLessThanOrEqual(4 * runs.length);
  });
});
