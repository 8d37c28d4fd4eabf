// What issue 12 asked of figures' drawing: lines with 3:1 contrast on both
// pages, named axes, whole steps, no KL below zero, no dropped ::final labels
// on the desktop drawing (issue 26: a phone's keeps one legible row).
import { describe, expect, it } from 'vitest';
import { contrast, PAGE_BACKGROUND, parseHex, themedColor } from '../src/charts/contrast';
import { renderFinalMetricFigure, renderLineFigure } from '../src/charts/figure';
import { metricTitle } from '../src/charts/metrics';
import { seriesFrom } from '../src/charts/types';
import { cssColorHex } from '../src/runs/css-colors';

/** Each drawing's text elements: its size, and each text with where it sits. */
function drawings(html: string) {
  return [...html.matchAll(/<svg[^>]*class="marks chart-(\w+)"[^>]*>(.*?)<\/svg>/g)].map(([, size, svg]) => ({
    size,
    svg,
    // placed by x and y, or (rotated titles) by a transform that starts with its translate
    texts: [...svg.matchAll(/<text[^>]*?(?: x="([-\d.]+)" y="([-\d.]+)"| transform="translate\(([-\d.]+),([-\d.]+)\)[^"]*")[^>]*>([^<]*)<\/text>/g)].map((m) => ({
      x: Number(m[1] ?? m[3]),
      y: Number(m[2] ?? m[4]),
      text: m[5],
    })),
  }));
}

describe('run colors', () => {
  it('every CSS color reaches 3:1 against the light and the dark page, keeping its hue', () => {
    for (const name of ['yellow', 'gold', 'orange', 'violet', 'blue', 'navy', 'green', 'lime', 'white', 'black', 'darkcyan', '#abc']) {
      const { light, dark } = themedColor(name);
      expect(contrast(parseHex(cssColorHex(light)!), parseHex(PAGE_BACKGROUND.light)), `${name} light`).toBeGreaterThanOrEqual(3);
      expect(contrast(parseHex(cssColorHex(dark)!), parseHex(PAGE_BACKGROUND.dark)), `${name} dark`).toBeGreaterThanOrEqual(3);
    }
    // colors that pass stay as written; yellow only darkens (red = green, no blue)
    expect(themedColor('blue').light).toBe('blue');
    expect(themedColor('yellow').light).toMatch(/^#([0-9a-f]{2})\1(00)$/);
  });
});

describe('axes', () => {
  const run = (label: string, color: string, values: number[]) => ({ label, color, logged: seriesFrom(values.map((value, i) => ({ step: i + 1, value }))) });

  it('metrics get their display names; unknown ones keep theirs', () => {
    expect(metricTitle('kl')).toBe('KL (nats)');
    expect(metricTitle('my_metric')).toBe('my_metric');
    // Names every trainer logs claim no unit the built-in trainer's would have: another program's loss may be MSE, or negative.
    expect(metricTitle('loss')).toBe('Loss');
  });

  it('a short run gets whole step ticks, and a KL estimate below zero no axis below zero', async () => {
    const html = await renderLineFigure({ series: [run('a', 'red', [0.02, -0.05, 0.1, 0.3, 0.2, 0.4]), run('b', 'blue', [0, 0.1, 0.2, 0.1, 0.3, 0.5])], metric: 'kl', idPrefix: 'f' });
    for (const { texts } of drawings(html)) {
      const labels = texts.map((t) => t.text);
      expect(labels).toContain('KL (nats)');
      const xLabels = texts.filter((t) => /^\d+(\.\d+)?$/.test(t.text) && t.y > 10 && t.x >= 0).map((t) => Number(t.text));
      expect(xLabels.filter((n) => n > 1.5).every(Number.isInteger)).toBe(true);
      expect(labels.filter((t) => /^[-−]/.test(t))).toEqual([]);
    }
  });

  it('::final keeps every swept value\'s label on the desktop drawing; on a phone\'s, one row, first and last labelled; none overlapping', async () => {
    const first = [0, 0.01, 0.1, 1, 10, 100];
    const second = [10, 15, 20, 30, 50, 70, 100];
    const runs = (xs: number[]) => xs.map((x, i) => ({ label: `beta=${x}`, color: 'teal', x, value: i }));
    for (const sweeps of [[{ name: 'first', runs: runs(first) }, { name: 'second', runs: runs(second) }], [{ name: 'second', runs: runs(second) }]]) {
      const xs = [...new Set(sweeps.flatMap(({ runs }) => runs.map((run) => run.x)))].sort((a, b) => a - b);
      const html = await renderFinalMetricFigure({ sweeps, xTitle: 'beta', yTitle: metricTitle('repetition'), idPrefix: 'f' });
      for (const { size, svg } of drawings(html)) {
        // the x axis's labels: the first axis group, from its labels to its domain line
        const axis = svg.slice(svg.indexOf('role-axis-label'), svg.indexOf('role-axis-domain', svg.indexOf('role-axis-label')));
        const labels = [...axis.matchAll(/<text[^>]* x="([-\d.]+)" y="([-\d.]+)"[^>]*>([^<]*)<\/text>/g)].map(([, x, y, text]) => ({ x: Number(x), y: Number(y), text }));
        const printed = labels.map((t) => t.text);
        // each label is its own value: a 10-100 axis prints 15, not 15 rounded to the tick step
        expect(printed.every((text) => xs.includes(Number(text))), `${size}: ${printed}`).toBe(true);
        if (size === 'wide') expect(printed, size).toEqual(xs.map(String));
        else {
          expect(new Set(labels.map((t) => t.y)).size, `${size}: one row`).toBe(1);
          expect([printed[0], printed.at(-1)]).toEqual([String(xs[0]), String(xs.at(-1))]);
          expect(printed.length, size).toBeGreaterThanOrEqual(5);
        }
        for (const a of labels) {
          for (const b of labels) {
            if (a === b || a.y !== b.y) continue;
            const room = (7 * (a.text.length + b.text.length)) / 2;
            expect(Math.abs(a.x - b.x), `${size}: ${a.text} and ${b.text}`).toBeGreaterThanOrEqual(room);
          }
        }
      }
    }
  });
});
