// Line figures drawn on worker threads (figure-workers.ts) are the figures drawn here.
import { describe, expect, it } from 'vitest';
import { seriesFrom } from '../src/charts/types';
import { drawLineFigure, drawSiteLineFigure } from '../src/site/figure-workers';

const run = (label: string, color: string, shift: number) => ({
  label,
  color,
  logged: seriesFrom(Array.from({ length: 2000 }, (_, step) => ({ step, value: Math.cos(step / 50 + shift) }))),
});

describe('figures drawn on worker threads', () => {
  it('are the figures drawn on the main thread, several at once', async () => {
    const options = [0, 1, 2].map((k) => ({ series: [run(`beta=${k}`, 'red', k), run('other', 'blue', -k)], metric: 'kl', smooth: 0.5, idPrefix: `fig-${k}` }));
    const drawn = await Promise.all(options.map(drawLineFigure));
    for (const [k, figure] of drawn.entries()) {
      const here = await drawSiteLineFigure(options[k]);
      expect(figure.html).toBe(here.html);
      expect(figure.spec).toEqual(JSON.parse(JSON.stringify(here.spec)));
    }
  });

  it("fail with the drawing's error, naming the metric", async () => {
    const twice = { series: [run('same', 'red', 0), run('same', 'blue', 1)], metric: 'entropy', idPrefix: 'f' };
    await expect(drawLineFigure(twice)).rejects.toThrow(/figure of entropy: run labels must be distinct/);
  });
});
