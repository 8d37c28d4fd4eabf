// ::parallel's chart: an axis per param and metric (log when a param spans
// decades, ordinal for text and true/false), one line per point in its
// color, points without a value on every axis left out.
import { describe, expect, it } from 'vitest';
import { renderParallelFigureWithSpec } from '../src/charts/figure';
import { axisScale, isComplete, parallelSpec, type ParallelAxis, type ParallelPoint } from '../src/charts/parallel';
import { MANY_LINES } from '../src/charts/spec';

type Row = Record<string, number | string | boolean | null>;
type Layer = { name: string; mark: { type: string; opacity?: number; strokeWidth?: number }; data: { values: Row[] }; encoding: { color?: { scale: { domain: string[]; range: string[] }; legend: object | null } } };
const layersOf = (spec: ReturnType<typeof parallelSpec>) => (spec as unknown as { layer: Layer[] }).layer;
const layer = (spec: ReturnType<typeof parallelSpec>, name: string) => layersOf(spec).find((l) => l.name === name)!;

const axes: ParallelAxis[] = [{ name: 'lr' }, { name: 'optimizer' }, { name: 'Raw reward', unit: 'alliteration', metric: true }];
const point = (label: string, lr: number, optimizer: string, reward: number | null, color = 'red'): ParallelPoint => ({ label, color, legend: label, values: [lr, optimizer, reward] });
const points = [point('a', 0.0001, 'adam', 1), point('b', 0.001, 'sgd', 3, 'green'), point('c', 0.01, 'adam', 2, 'blue')];

describe('axisScale', () => {
  it('is a log axis for positive numbers spanning two decades, with a tick at each value while they are few', () => {
    const scale = axisScale([0.0001, 0.001, 0.01]);
    expect(scale.kind).toBe('log');
    expect([0.0001, 0.001, 0.01].map(scale.position)).toEqual([0, 0.5, 1]);
    expect(scale.ticks).toEqual([
      { at: 0, label: '0.0001' },
      { at: 0.5, label: '0.001' },
      { at: 1, label: '0.01' },
    ]);
  });

  it('is linear under two decades or with a value at 0 or below', () => {
    expect(axisScale([1, 50]).kind).toBe('linear');
    expect(axisScale([0, 1, 1000]).kind).toBe('linear');
    expect(axisScale([0, 5, 10]).position(5)).toBe(0.5);
  });

  it('is ordinal for text and true/false, in the order the values first come', () => {
    const scale = axisScale(['sgd', 'adam', 'sgd', 'lion']);
    expect(scale.kind).toBe('ordinal');
    expect(['sgd', 'adam', 'lion'].map(scale.position)).toEqual([0, 0.5, 1]);
    expect(scale.ticks.map((t) => t.label)).toEqual(['sgd', 'adam', 'lion']);
    expect(axisScale([true, false]).ticks.map((t) => t.label)).toEqual(['true', 'false']);
  });

  it("labels only its ends past a dozen values (a random search's draws), and one value mid-axis", () => {
    const draws = Array.from({ length: 50 }, (_, i) => 0.001 + i * 0.0001234);
    expect(axisScale(draws).ticks.map((t) => t.label)).toEqual(['0.001', '0.00705']);
    expect(axisScale([3, 3]).ticks).toEqual([{ at: 0.5, label: '3' }]);
  });

  it('leaves out a label too close to one at the ends', () => {
    expect(axisScale([0, 1, 99, 100]).ticks.map((t) => t.label)).toEqual(['0', '100']);
  });
});

describe('parallelSpec', () => {
  it("draws one line per point through each axis's position, in its color, with a legend of the colors", () => {
    const spec = parallelSpec({ axes, points });
    const lines = layer(spec, 'lines');
    expect(lines.data.values.filter((r) => r.point === 'b').map((r) => [r.axis, r.y])).toEqual([[0, 0.5], [1, 1], [2, 1]]);
    expect(lines.data.values.filter((r) => r.point === 'c').map((r) => r.y)).toEqual([1, 0, 0.5]);
    expect(lines.encoding.color!.scale).toEqual({ domain: ['a', 'b', 'c'], range: ['red', 'green', 'blue'] });
    expect(lines.encoding.color!.legend).not.toBeNull();
    expect(lines.mark).toMatchObject({ type: 'line', strokeWidth: 1.5 });
  });

  it("names each axis above it (a metric's unit on a line of its own) and labels its ticks", () => {
    const spec = parallelSpec({ axes, points });
    const names = layersOf(spec).filter((l) => l.name.startsWith('names_')).flatMap((l) => l.data.values.map((r) => [r.axis, r.text]));
    expect(names.sort()).toEqual([[0, 'lr'], [1, 'optimizer'], [2, '(alliteration)'], [2, 'Raw reward']]);
    // a metric's axis: its ends alone
    expect(layer(spec, 'tick_labels').data.values.filter((r) => r.axis === 2).map((r) => r.label)).toEqual(['1', '3']);
    expect(layer(spec, 'tick_labels').data.values.filter((r) => r.axis === 1).map((r) => r.label)).toEqual(['adam', 'sgd']);
  });

  it("wraps a name too wide for a phone's drawing after spaces and underscores, two lines at most and its unit, then cuts it", () => {
    const six: ParallelAxis[] = [{ name: 'reward_scale' }, { name: 'lr' }, { name: 'beta' }, { name: 'Raw reward', unit: 'alliteration', metric: true }, { name: 'KL', unit: 'nats', metric: true }, { name: 'Total reward', unit: 'reward − β·KL', metric: true }];
    const spec = parallelSpec({ axes: six, points: [{ label: 'a', color: 'red', legend: 'a', values: [1000, 0.1, 1, 1, 2, 3] }], size: 'narrow' });
    const names = (axis: number) =>
      layersOf(spec)
        .filter((l) => l.name.startsWith('names_'))
        .flatMap((l) => l.data.values.filter((r) => r.axis === axis))
        .sort((a, b) => Number(b.above) - Number(a.above))
        .map((r) => r.text);
    expect(names(0)).toEqual(['reward_', 'scale']);
    expect(names(4)).toEqual(['KL', '(nats)']);
    expect(names(5)).toEqual(['Total', 'reward', '(rewar…']);
  });

  it('leaves out a point without a value on every axis, from the lines and the axes', () => {
    const spec = parallelSpec({ axes, points: [...points, point('untrained', 1, 'lion', null)] });
    expect(isComplete(point('x', 1, 'lion', NaN))).toBe(false);
    expect(new Set(layer(spec, 'lines').data.values.map((r) => r.point))).toEqual(new Set(['a', 'b', 'c']));
    expect(layer(spec, 'tick_labels').data.values.map((r) => r.label)).not.toContain('lion');
  });

  it('past MANY_LINES: thin, faint lines and no legend', () => {
    const many = Array.from({ length: 1000 }, (_, i) => ({ ...point(`p${i}`, 10 ** (-4 + (i % 9) / 4), i % 2 ? 'adam' : 'sgd', i), legend: `c${i % 30}` }));
    const lines = layer(parallelSpec({ axes, points: many }), 'lines');
    expect(lines.mark.strokeWidth).toBe(1);
    expect(lines.mark.opacity).toBeLessThan(0.5);
    expect(lines.encoding.color!.legend).toBeNull();
    expect(many.length).toBeGreaterThan(MANY_LINES);
  });
});

describe('renderParallelFigureWithSpec', () => {
  it('draws both sizes, and hover data for each end on a metric axis', async () => {
    let json = '';
    const { html } = await renderParallelFigureWithSpec({
      axes,
      points: [...points, point('untrained', 1, 'lion', null)],
      ranges: [undefined, [null, null, [2.5, 3.5]]],
      idPrefix: 'par',
      dataFile: (text) => ((json = text), '/figures/x.json'),
    });
    expect(html).toMatch(/^<div class="chart" data-chart="parallel" data-src="\/figures\/x.json"><svg/);
    expect(html).toContain('chart-wide');
    expect(html).toContain('chart-narrow');
    const data = JSON.parse(json) as { kind: string; points: { label: string; sweep: string; value: number; range?: number[]; at: { wide: number[] } }[] };
    expect(data.kind).toBe('parallel');
    expect(data.points.map((p) => [p.label, p.sweep, p.value, p.range])).toEqual([
      ['a', 'Raw reward (alliteration)', 1, undefined],
      ['b', 'Raw reward (alliteration)', 3, [2.5, 3.5]],
      ['c', 'Raw reward (alliteration)', 2, undefined],
    ]);
    // 'b' ends highest on the axis: nearest the top of the plot
    expect(data.points[1].at.wide[1]).toBeLessThan(data.points[2].at.wide[1]);
  });

  it('at 1,000 points: the lines of one color are one path, and the page stays small', async () => {
    const ramp = Array.from({ length: 10 }, (_, i) => ({ light: `#${i}0${i}0${i}0`, dark: `#${i}f${i}f${i}f` }));
    const many = Array.from({ length: 1000 }, (_, i): ParallelPoint => ({ label: `p${i}`, color: ramp[i % 10], legend: `c${i % 10}`, values: [10 ** (-4 + (i % 97) / 48), i % 2 ? 'adam' : 'sgd', Math.sin(i)] }));
    const { html } = await renderParallelFigureWithSpec({ axes, points: many, idPrefix: 'many' });
    expect(html.match(/class="mark-line role-mark/g)).toHaveLength(2 * 10);
    expect(html.length).toBeLessThan(120_000);
  });
});
