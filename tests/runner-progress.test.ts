// What `npm run train` prints while it trains: bars on a terminal, plain lines in CI.
import { describe, expect, it } from 'vitest';
import { duration, ProgressDisplay } from '../src/runner/progress';

function recorder() {
  const out = { text: '', columns: 200, write: (chunk: string) => ((out.text += chunk), true) };
  return out;
}

const start = { type: 'start' as const, job: 0, start: { runId: 'run-a', dir: '/runs/run-a', fromStep: 0 } };
const progress = (step: number) => ({
  type: 'progress' as const,
  job: 0,
  progress: { step, total: 100, metrics: { raw_reward: 0.5, kl: 2, entropy: 1 } },
});

describe('ProgressDisplay', () => {
  it('prints a plain line every tenth of the run, with step, reward, KL and ETA', () => {
    const out = recorder();
    const display = new ProgressDisplay(out as unknown as NodeJS.WritableStream, ['kl beta=1'], false);
    display.handle(start, 0);
    for (let step = 1; step <= 100; step++) display.handle(progress(step), step * 1000);
    display.handle({ type: 'finish', job: 0, result: { runId: 'run-a', dir: '/runs/run-a', status: 'completed', stepsDone: 100, error: null, note: null, writeFailed: false } }, 101_000);

    const lines = out.text.trimEnd().split('\n');
    expect(lines[0]).toBe('kl beta=1: run run-a');
    expect(lines.filter((line) => line.includes('/100')).length).toBe(11); // step 1, then every 10th
    expect(lines).toContain('kl beta=1  [##########----------]  50/100  reward 0.500  kl 2.00  eta 50s');
    expect(lines.at(-1)).toBe('kl beta=1: completed at step 100 in 1m41s');
    expect(out.text).not.toMatch(/\x1b/);
  });

  it('redraws one bar per active run in place on a terminal', () => {
    const out = recorder();
    const display = new ProgressDisplay(out as unknown as NodeJS.WritableStream, ['kl beta=1'], true);
    display.handle(start, 0);
    display.handle(progress(1), 1000);
    display.handle(progress(2), 2000);
    expect(out.text).toContain('\r\x1b[1A\x1b[0J'); // back to the bar's line, cleared
    const screen = out.text.split('\r\x1b[1A\x1b[0J').at(-1); // what is left after the last redraw
    expect(screen).toBe('kl beta=1  [--------------------]  2/100  reward 0.500  kl 2.00  eta 1m38s\n');
    display.close();
  });

  it('shows the held-out loss against its bound while the reference model pretrains', () => {
    const out = recorder();
    const display = new ProgressDisplay(out as unknown as NodeJS.WritableStream, ['kl beta=1'], false);
    display.handle(start, 0);
    const pretrain = (step: number, heldOutLoss?: number) => ({
      type: 'pretrain' as const,
      job: 0,
      progress: { step, total: 100, loss: 1.5, heldOutLoss, bound: heldOutLoss === undefined ? undefined : 0.9606 },
    });
    display.handle(pretrain(1), 1000);
    display.handle(pretrain(100, 1.0712), 2000);
    const lines = out.text.trimEnd().split('\n');
    expect(lines[1]).toBe('kl beta=1  [--------------------]  pretraining the reference model 1/100  loss 1.50');
    expect(lines[2]).toBe('kl beta=1  [####################]  pretraining the reference model 100/100  loss 1.50  held-out 1.07 (bound 0.961)');
  });

  it('formats durations', () => {
    expect([duration(4_400), duration(65_000), duration(3_725_000)]).toEqual(['4s', '1m05s', '1h02m']);
  });
});
