import { describe, expect, it } from 'vitest';
import { metricsText, type SeriesPoints } from '../src/runs';

const series = (entries: [string, SeriesPoints][]) => new Map(entries);

describe('metricsText: an imported run\'s metrics.jsonl', () => {
  it('tags logged at the same steps: a line per step with all of them, the earliest time', () => {
    const text = metricsText(
      series([
        ['train/loss', { steps: [1, 2], values: [0.5, 0.25], times: [10.5, 11] }],
        ['lr', { steps: [1, 2], values: [0.001, NaN], times: [10, 11.5] }],
      ]),
    );
    expect(text).toBe('{"step":1,"time":10,"train/loss":0.5,"lr":0.001}\n{"step":2,"time":11,"train/loss":0.25,"lr":null}\n');
  });

  it('tags logged at different steps stay sparse, keyed in the order of their first step; tags named step or time are renamed', () => {
    const text = metricsText(
      series([
        ['eval/loss', { steps: [2, 4], values: [1, 2], times: [null, null] }],
        ['loss', { steps: [1, 2, 3, 4], values: [4, 3, 2, 1], times: [null, null, null, null] }],
        ['time', { steps: [3], values: [7], times: [null] }],
      ]),
    );
    expect(text.split('\n')).toEqual([
      '{"step":1,"time":null,"loss":4}',
      '{"step":2,"time":null,"loss":3,"eval/loss":1}',
      '{"step":3,"time":null,"loss":2,"time (tag)":7}',
      '{"step":4,"time":null,"loss":1,"eval/loss":2}',
      '',
    ]);
  });
});
