// Figures of one kind share a parsed vega spec (spec-templates.ts): each must draw exactly as its own spec drawn from scratch.
import * as vega from 'vega';
import { compile } from 'vega-lite';
import { describe, expect, it } from 'vitest';
import { prefixIds } from '../src/charts/render';
import { viewOf } from '../src/charts/spec-templates';
import { finalMetricSpec } from '../src/charts/final-spec';
import { lineFrameSpec, lineSpec } from '../src/charts/spec';
import { seriesFrom } from '../src/charts/types';

const run = (label: string, color: string, shift: number, steps = 300) => ({
  label,
  color,
  logged: seriesFrom(Array.from({ length: steps }, (_, step) => ({ step, value: Math.sin(step / 20 + shift) * (1 + shift) }))),
});

async function fromScratch(spec: ReturnType<typeof lineSpec>): Promise<string> {
  return prefixIds(await new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' }).toSVG(), 'f');
}

describe('figures of one kind, drawn from one parsed spec', () => {
  it('draw each figure as its own spec would, whatever was drawn before', async () => {
    const specs = [
      lineSpec({ series: [run('beta=0', 'red', 0)], metric: 'kl' }),
      lineSpec({ series: [run('beta=10', 'blue', 1, 500)], metric: 'kl' }),
      lineSpec({ series: [run('a', 'green', 2), run('b', 'orange', 3)], metric: 'kl', smooth: 0.6 }),
      lineSpec({ series: [run('c', 'purple', -2), run('d', 'teal', 0.5)], metric: 'kl', smooth: 0.6 }),
      // narrow frames: domains from the wide drawing, one holding zero and one not
      lineFrameSpec({ series: [run('a', 'red', 0)], metric: 'kl', size: 'narrow' }, { x: [0, 299], y: [-1, 1] }),
      lineFrameSpec({ series: [run('b', 'blue', 0)], metric: 'kl', size: 'narrow' }, { x: [1, 20_000], y: [0.5, 2] }),
      finalMetricSpec({ sweeps: [{ name: 's', runs: [{ label: 'x', color: 'red', x: 1, value: 2 }, { label: 'y', color: 'blue', x: 10, value: 3 }] }], xTitle: 'beta', yTitle: 'KL' }),
    ];
    for (const spec of [...specs, ...specs.reverse()]) expect(prefixIds(await viewOf(spec).toSVG(), 'f')).toBe(await fromScratch(spec));
  });
});
