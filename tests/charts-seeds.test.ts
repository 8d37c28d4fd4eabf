// Values trained with several seeds: mean lines, min–max bands, per-seed lines, hover ranges.
import { describe, expect, it } from 'vitest';
import { acrossSeeds, seedBand } from '../src/charts/seed-bands';
import { smooth } from '../src/charts/smooth';
import { finalMetricSpec } from '../src/charts/final-spec';
import { lineSpec } from '../src/charts/spec';
import { seriesFrom, type LineSeries, type Series } from '../src/charts/types';

const line = (values: (number | null)[]): Series => seriesFrom(values.map((value, step) => ({ step, value })));
/** A band's columns as rows, gaps as null. */
const rows = ({ steps, mean, min, max }: ReturnType<typeof seedBand>) =>
  Array.from(steps, (step, i) => ({ step, mean: Number.isNaN(mean[i]) ? null : mean[i], min: Number.isNaN(min[i]) ? null : min[i], max: Number.isNaN(max[i]) ? null : max[i] }));

/** The spec's layers, typed loosely enough to look inside. */
type Layer = { mark: { type: string; opacity?: number }; data: { values: Record<string, unknown>[] }; encoding: Record<string, { field?: string; scale?: { range?: string[] } }> };
const layersOf = (spec: ReturnType<typeof lineSpec>) => (spec as unknown as { layer: Layer[] }).layer;

const seeded: LineSeries[] = [
  { label: 'beta=1', color: 'red', logged: line([1, 2, 3]), seeds: [line([1, 2, 3]), line([3, 4, 5]), line([2, 0, 4])] },
  { label: 'beta=10', color: 'blue', logged: line([0, 0, 0]), seeds: [line([0, 0, 0]), line([1, 1, null])] },
];

describe('acrossSeeds and seedBand', () => {
  it('give the mean, lowest and highest of the seeds, skipping non-finite values', () => {
    expect(acrossSeeds([1, 3, null, 2])).toEqual({ mean: 2, min: 1, max: 3, seeds: 3 });
    expect(acrossSeeds([null, Number.NaN])).toBeNull();
  });

  it('go step by step over the seeds that logged the step; a step with nothing finite is a gap', () => {
    expect(rows(seedBand([line([1, 2, 3]), seriesFrom([{ step: 0, value: 3 }]), seriesFrom([{ step: 1, value: null }, { step: 3, value: 7 }])]))).toEqual([
      { step: 0, mean: 2, min: 1, max: 3 },
      { step: 1, mean: 2, min: 2, max: 2 },
      { step: 2, mean: 3, min: 3, max: 3 },
      { step: 3, mean: 7, min: 7, max: 7 },
    ]);
    expect(rows(seedBand([line([null]), line([null])]))).toEqual([{ step: 0, mean: null, min: null, max: null }]);
  });
});

describe('lineSpec with seeds', () => {
  it('draws per value a min–max band in its color under the mean line', () => {
    const [band, mean] = layersOf(lineSpec({ series: seeded, metric: 'kl' }));
    expect(band.mark).toMatchObject({ type: 'area' });
    expect(band.mark.opacity).toBeLessThan(0.5);
    expect([band.encoding.y.field, band.encoding.y2.field]).toEqual(['min', 'max']);
    expect(band.encoding.color.scale?.range).toEqual(['red', 'blue']);
    expect(band.data.values.filter((row) => row.run === 'beta=1')).toEqual([
      { step: 0, min: 1, max: 3, run: 'beta=1' },
      { step: 1, min: 0, max: 4, run: 'beta=1' },
      { step: 2, min: 3, max: 5, run: 'beta=1' },
    ]);
    expect(mean.mark).toMatchObject({ type: 'line', strokeWidth: 2 });
    expect(mean.data.values.map((row) => [row.run, row.value])).toEqual([
      ['beta=1', 2], ['beta=1', 2], ['beta=1', 4],
      ['beta=10', 0.5], ['beta=10', 0.5], ['beta=10', 0],
    ]);
  });

  it('smooths each seed before taking the band', () => {
    const [band] = layersOf(lineSpec({ series: [seeded[0]], metric: 'kl', smooth: 0.5 }));
    const smoothed = seeded[0].seeds!.map((points) => smooth(points, 0.5));
    expect(band.data.values.map((row) => row.min)).toEqual([0, 1, 2].map((i) => Math.min(...smoothed.map((s) => s.values[i]))));
  });

  it('with seedLines "all" draws each seed faint instead of the band', () => {
    const [seeds, mean] = layersOf(lineSpec({ series: seeded, metric: 'kl', seedLines: 'all' }));
    expect(seeds.mark).toMatchObject({ type: 'line', opacity: 0.3 });
    expect(seeds.encoding.detail.field).toBe('seed');
    expect(seeds.data.values.filter((row) => row.run === 'beta=1' && row.seed === 2).map((row) => row.value)).toEqual([2, 0, 4]);
    expect(mean.data.values).toHaveLength(6);
  });

  it('with one seed per value is the figure without seeds', () => {
    const one = seeded.map((s) => ({ ...s, logged: s.seeds![0], seeds: [s.seeds![0]] }));
    const none = seeded.map(({ label, color, seeds }) => ({ label, color, logged: seeds![0] }));
    expect(lineSpec({ series: one, metric: 'kl', smooth: 0.6 })).toEqual(lineSpec({ series: none, metric: 'kl', smooth: 0.6 }));
  });
});

describe('finalMetricSpec with seeds', () => {
  const runs = [
    { label: 'beta=1', color: 'red', x: 1, value: 2, seeds: [1, 2, 3] },
    { label: 'beta=10', color: 'blue', x: 10, value: 5, seeds: [5, null] },
  ];

  it('draws a min–max bar in the value color behind the mean, and each seed small beside it', () => {
    const [bars, seeds, ...rest] = layersOf(finalMetricSpec({ sweeps: [{ name: 's', runs }], xTitle: 'beta', yTitle: 'kl' }));
    expect(bars.mark).toMatchObject({ type: 'rule' });
    expect([bars.encoding.y.field, bars.encoding.y2.field, bars.encoding.color.field]).toEqual(['min', 'max', 'color']);
    expect(bars.data.values).toEqual([
      { sweep: 's', color: 'red', x: 1, min: 1, max: 3 },
      { sweep: 's', color: 'blue', x: 10, min: 5, max: 5 },
    ]);
    expect(seeds.mark).toMatchObject({ type: 'point', xOffset: 9 });
    expect(seeds.data.values.map((row) => [row.x, row.value])).toEqual([[1, 1], [1, 2], [1, 3], [10, 5]]);
    expect(rest.map((layer) => layer.mark.type)).toEqual(['line', 'point']);
  });

  it('with one seed per value is the figure without seeds', () => {
    const one = runs.map((r) => ({ ...r, seeds: [r.value] }));
    const none = runs.map(({ seeds: _seeds, ...r }) => r);
    expect(finalMetricSpec({ sweeps: [{ name: 's', runs: one }], xTitle: 'b', yTitle: 'k' })).toEqual(finalMetricSpec({ sweeps: [{ name: 's', runs: none }], xTitle: 'b', yTitle: 'k' }));
  });
});
