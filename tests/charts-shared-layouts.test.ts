import { describe, expect, it } from 'vitest';
import type { TopLevelSpec } from 'vega-lite';
import { renderChart } from '../src/charts/render';
import { layoutsKept } from '../src/charts/shared-layouts';
import { lineFrameSpec, lineSpec } from '../src/charts/spec';
import { seriesFrom, type LineSeries } from '../src/charts/types';

/** A noisy run of `steps` steps; `phase` moves its peaks, not its range. */
function run(label: string, color: string, phase = 0, steps = 2000, scale = 1): LineSeries {
  return { label, color, logged: seriesFrom(Array.from({ length: steps }, (_, i) => ({ step: i + 1, value: scale * (Math.sin(i / 40 + phase) + ((i * 7919) % 13) / 60) }))) };
}

async function svgOf(spec: TopLevelSpec, shareLayout: boolean): Promise<string> {
  return (await renderChart(spec, { idPrefix: 'f', description: 'A figure.', shareLayout })).svg;
}

describe('one-run figures drawn from a shared layout', () => {
  const cases: [string, TopLevelSpec][] = [
    ['a run', lineSpec({ series: [run('beta=1', 'red')], metric: 'raw_reward' })],
    ['a run smoothed over its raw line', lineSpec({ series: [run('beta=1', 'red')], metric: 'raw_reward', smooth: 0.6 })],
    ['KL dipping below 0 (clipped there)', lineSpec({ series: [run('beta=0.1', 'blue', 1, 3000, 4)], metric: 'kl' })],
    ['a narrow drawing', lineSpec({ series: [run('beta=10', 'green', 2)], metric: 'entropy', size: 'narrow' })],
    ['a long label of XML characters', lineSpec({ series: [run('a & b < c "quoted" with a label far longer than the legend shows', 'purple')], metric: 'kl' })],
    ['a run of three steps', lineSpec({ series: [run('beta=1', 'red', 0, 3)], metric: 'kl' })],
    ['the narrow frame around the wide lines', lineFrameSpec({ series: [run('beta=100', 'orange')], metric: 'kl', size: 'narrow' }, { x: [1, 2000], y: [-1.5, 2.5] })],
  ];
  for (const [name, spec] of cases) {
    it(`draw the SVG vega draws for the figure alone: ${name}`, async () => {
      const before = layoutsKept();
      const shared = await svgOf(spec, true);
      expect(layoutsKept()).toBe(before + 1);
      expect(shared).toBe(await svgOf(spec, false));
    });
  }

  it('share one layout among runs of one label length and one domain, each drawn with its own label, color and points, also when drawn at once', async () => {
    const runs = [run('run a', '#cc0000', 0.5), run('run b', '#00aa00', 1.5), run('run c', '#0000cc', 2.5)];
    const specs = runs.map((r) => lineSpec({ series: [r], metric: 'raw_reward' }));
    const before = layoutsKept();
    const shared = await Promise.all(specs.map((spec) => svgOf(spec, true)));
    expect(layoutsKept()).toBe(before + 1);
    for (const [i, spec] of specs.entries()) {
      expect(shared[i]).toContain(`>run ${'abc'[i]}</text>`);
      expect(shared[i]).toBe(await svgOf(spec, false));
    }
  });

  it('leave figures of several runs, or with a gap in a line, to vega alone', async () => {
    const gap: LineSeries = { ...run('beta=1', 'red'), logged: seriesFrom([{ step: 1, value: 1 }, { step: 2, value: NaN }, { step: 3, value: 2 }]) };
    const before = layoutsKept();
    for (const spec of [lineSpec({ series: [run('a', 'red'), run('b', 'blue')], metric: 'kl' }), lineSpec({ series: [gap], metric: 'kl' })]) {
      expect(await svgOf(spec, true)).toBe(await svgOf(spec, false));
    }
    expect(layoutsKept()).toBe(before);
  });
});
