// :value{...}: numbers in a report's prose come from the runs, with their spread over seeds.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test, vi } from 'vitest';
import { meanOfLast10Pct, seriesFrom, type MetricPoint } from '../src/charts';
import { changeNoiseOf, changeOf } from '../src/charts/final';
import { readMetrics, runsOfSweep } from '../src/runs';
import { fixtureDirs, lineOf, renderReport } from './fixtures/render-report';
import { writeFixtureContent, writeFixtureRun } from './fixtures/site-fixture';

/** The fixture sweep with runs of 100 steps: each window of change holds 8 or 10 steps, enough for a noise floor (the 40-step runs' hold 4). */
function longDirs(seeds: number[]): { runsDir: string; sweepsDir: string; root: string } {
  const root = mkdtempSync(join(tmpdir(), 'sweepbook-md-long-'));
  for (const seed of seeds) for (const index of [0, 1, 2]) writeFixtureRun(join(root, 'runs'), index, { seed, steps: 100 });
  writeFixtureContent(join(root, 'content'), undefined, seeds.length > 1 ? seeds : undefined);
  mkdirSync(join(root, 'reports'), { recursive: true });
  return { root, runsDir: join(root, 'runs'), sweepsDir: join(root, 'content', 'sweeps') };
}

const seeded = fixtureDirs([1, 2, 3]);
const single = fixtureDirs();
const longSeeded = longDirs([1, 2, 3]);
const longSingle = longDirs([1]);
afterAll(() => [seeded, single, longSeeded, longSingle].forEach((dirs) => rmSync(dirs.root, { recursive: true, force: true })));

/** The metric's series of the fixture runs of one beta, one per seed. */
function seriesOf(dirs: { runsDir: string }, beta: number, metric: string) {
  return runsOfSweep(dirs.runsDir, 'fixture-sweep')
    .filter((run) => run.info.params.beta === beta)
    .sort((a, b) => a.info.seed - b.info.seed)
    .map((run) => readMetrics(run.dir).map((line) => ({ step: line.step, value: line[metric] ?? null })));
}

/** The final value of points as the test has them. */
const finalMean = (points: MetricPoint[]) => meanOfLast10Pct(seriesFrom(points));

const text = (html: string) => html.replace(/<[^>]+>/g, '');

describe(':value', () => {
  test('renders the mean over seeds of how each seed ended, with their range, inside the sentence', async () => {
    const finals = seriesOf(seeded, 1, 'raw_reward').map((points) => finalMean(points)!);
    const mean = finals.reduce((a, b) => a + b) / finals.length;
    const html = await renderReport(seeded, 'At beta=1 the reward ended at :value{sweep="fixture-sweep" at="beta=1" metric="raw_reward" format=".4f"} on average.\n');
    const f = (x: number) => x.toFixed(4);
    expect(finals[0]).not.toBe(finals[2]);
    expect(text(html)).toBe(`<p>At beta=1 the reward ended at ${f(mean)} (${f(Math.min(...finals))}–${f(Math.max(...finals))}) on average.</p>`.replace(/<[^>]+>/g, ''));
    expect(html).toMatch(/^<p>At beta=1 the reward ended at <span class="inline-value" title="raw_reward of beta=1 in sweep fixture-sweep: mean of the last 10% of steps, mean over 3 seeds/);
  });

  test('with one seed (or seed=N), the number alone', async () => {
    const [final] = seriesOf(single, 10, 'kl').map((points) => finalMean(points)!);
    expect(text(await renderReport(single, 'KL :value{sweep="fixture-sweep" at="beta=10" metric="kl" format=".3f"}.\n'))).toBe(`KL ${final.toFixed(3)}.`);
    const second = finalMean(seriesOf(seeded, 10, 'raw_reward')[1])!;
    expect(text(await renderReport(seeded, 'R :value{sweep="fixture-sweep" at="beta=10" metric="raw_reward" seed=2 format=".3f"}.\n'))).toBe(`R ${second.toFixed(3)}.`);
  });

  test('stat= first, max, min and step=N; the default format is 3 significant digits', async () => {
    const series = seriesOf(single, 0, 'repetition')[0];
    const values = series.map((p) => p.value!);
    const render = async (stat: string) =>
      text(await renderReport(single, `:value{sweep="fixture-sweep" at="beta=0" metric="repetition" stat="${stat}" format=".5f"}\n`));
    expect(await render('first')).toBe(values[0].toFixed(5));
    expect(await render('max')).toBe(Math.max(...values).toFixed(5));
    expect(await render('min')).toBe(Math.min(...values).toFixed(5));
    expect(await render('step=20')).toBe(series.find((p) => p.step === 20)!.value!.toFixed(5));
    expect(text(await renderReport(single, ':value{sweep="fixture-sweep" at="beta=0" metric="repetition" stat="first"}\n'))).toBe(String(Number(values[0].toPrecision(3))));
  });

  test('stat="change": how much the final value moved over the last 20% of steps, as a signed percentage by default', async () => {
    const series = seriesOf(single, 0, 'repetition')[0];
    const first = series[0].step;
    const last = series[series.length - 1].step;
    const before = finalMean(series.filter((p) => p.step <= first + 0.8 * (last - first)))!;
    const change = (finalMean(series)! - before) / Math.abs(before);
    expect(Math.abs(change)).toBeGreaterThan(0.001);
    const render = async (format: string) =>
      text(await renderReport(single, `:value{sweep="fixture-sweep" at="beta=0" metric="repetition" stat="change"${format}}\n`));
    expect(await render(' format=".6f"')).toBe(change.toFixed(6));
    expect(await render('')).toBe(`${change >= 0 ? '+' : '−'}${Math.round(Math.abs(change) * 100)}%`);
  });

  test('stat="noise": the noise floor of each seed\'s change, averaged over the seeds with their range, as ±percent', async () => {
    const floors = seriesOf(longSeeded, 10, 'raw_reward').map((points) => changeNoiseOf(seriesFrom(points))!);
    expect(new Set(floors).size).toBe(3);
    const mean = floors.reduce((a, b) => a + b) / 3;
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const html = await renderReport(longSeeded, 'Noise :value{sweep="fixture-sweep" at="beta=10" metric="raw_reward" stat="noise" format=".1%"}.\n');
    expect(text(html)).toBe(`Noise ±${pct(mean)} (${pct(Math.min(...floors))}–${pct(Math.max(...floors))}).`);
    expect(html).toContain('title="raw_reward of beta=10 in sweep fixture-sweep: noise floor of the change over the last 20% of steps (2 standard errors, by batch means), mean over 3 seeds');
    const [one] = seriesOf(longSingle, 10, 'raw_reward').map((points) => changeNoiseOf(seriesFrom(points))!);
    expect(text(await renderReport(longSingle, ':value{sweep="fixture-sweep" at="beta=10" metric="raw_reward" stat="noise"}\n'))).toBe(`±${Math.round(100 * one)}%`);
  });

  test('stat="change" says in its title whether the change is within its noise floor', async () => {
    const titleOf = async (dirs: typeof longSingle, at: string) =>
      /title="([^"]*)"/.exec(await renderReport(dirs, `:value{sweep="fixture-sweep" at="${at}" metric="raw_reward" stat="change"}\n`))![1];
    // beta=0's reward rises with the step, far past the noise: beta=10's rises 11 times slower, within its sine wobble.
    const [rising] = seriesOf(longSingle, 0, 'raw_reward').map(seriesFrom);
    const signed = (x: number) => `${x < 0 ? '−' : '+'}${(100 * Math.abs(x)).toFixed(1)}%`;
    expect(changeOf(rising)!).toBeGreaterThan(changeNoiseOf(rising)!);
    expect(await titleOf(longSingle, 'beta=0')).toMatch(
      new RegExp(`, seed 1; beyond its noise floor \\(\\${signed(changeOf(rising)!)} against ±${(100 * changeNoiseOf(rising)!).toFixed(1)}%\\)$`),
    );
    expect(await titleOf(longSingle, 'beta=10')).toMatch(/, seed 1; within its noise floor \(\+[\d.]+% against ±[\d.]+%\)$/);
    expect(await titleOf(longSeeded, 'beta=10')).toMatch(/, mean over 3 seeds \(their range in brackets\); within its noise floor in 3 of 3 seeds$/);
    expect(await titleOf(longSeeded, 'beta=0')).toMatch(/; within its noise floor in 0 of 3 seeds$/);
    // 40-step runs have 4 values in a window: no floor, and the title says why.
    expect(await titleOf(single, 'beta=0')).toMatch(/; no noise floor \(each of the two 10% windows it compares needs 5 finite values\)$/);
  });

  test('stat="noise" of runs too short for a floor renders n/a with a warning, so a --quick build still builds', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const body = 'Noise :value{sweep="fixture-sweep" at="beta=1" metric="kl" stat="noise"}.\n';
    try {
      expect(text(await renderReport(single, body, 'short.md'))).toBe('Noise n/a.');
      expect(warn.mock.calls.flat().join('\n')).toContain(`reports/short.md:${lineOf(body, ':value')}: :value: beta=1 of sweep "fixture-sweep" has too few logged steps for a noise floor`);
    } finally {
      warn.mockRestore();
    }
  });

  test('a sweep with no runs yet: its numbers render n/a, with one warning for the report naming its lines, so a report written before training builds', async () => {
    const dirs = fixtureDirs();
    try {
      rmSync(dirs.runsDir, { recursive: true, force: true });
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const body =
        'Text.\n\nIt ends at :value{sweep="fixture-sweep" at="beta=1" metric="kl"}.\n\n' +
        'Then :value{sweep="fixture-sweep" at="beta=10" metric="kl"} and :value{sweep="fixture-sweep" at="reference" metric="raw_reward"}.\n';
      expect(text(await renderReport(dirs, body, 'early.md'))).toBe('Text.\nIt ends at n/a.\nThen n/a and n/a.');
      const warnings = warn.mock.calls.flat().filter((line) => String(line).includes('early.md'));
      const [first, second] = [lineOf(body, 'It ends'), lineOf(body, 'Then')];
      expect(warnings).toEqual([expect.stringMatching(/reports\/early\.md:\d+: /)]);
      expect(warnings[0]).toContain(`reports/early.md:${first}: :value: 3 numbers show n/a: sweep "fixture-sweep" has no runs yet (lines ${first}, ${second}, ${second})`);
      warn.mockRestore();
    } finally {
      rmSync(dirs.root, { recursive: true, force: true });
    }
  });

  test('a value with no runs while others have them: the warning names the value and its line', async () => {
    const dirs = fixtureDirs();
    try {
      for (const run of runsOfSweep(dirs.runsDir, 'fixture-sweep')) if (run.info.params.beta === 1) rmSync(run.dir, { recursive: true });
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const body = 'A :value{sweep="fixture-sweep" at="beta=1" metric="kl"}, B :value{sweep="fixture-sweep" at="beta=10" metric="kl" format=".0f"}.\n';
      expect(text(await renderReport(dirs, body, 'partial.md'))).toMatch(/^A n\/a, B \d+\.$/);
      const warnings = warn.mock.calls.flat().filter((line) => String(line).includes('partial.md'));
      expect(warnings).toEqual([expect.stringMatching(/reports\/partial\.md:\d+: /)]);
      expect(warnings[0]).toContain(`reports/partial.md:${lineOf(body, ':value')}: :value: beta=1 of sweep "fixture-sweep" has no runs with metrics yet`);
      warn.mockRestore();
    } finally {
      rmSync(dirs.root, { recursive: true, force: true });
    }
  });

  test.each([
    [':value{sweep="nope" at="beta=1" metric="kl"}', 'unknown sweep "nope"'],
    [':value{sweep="fixture-sweep" at="beta=2" metric="kl"}', 'no value "beta=2" in sweep "fixture-sweep" (values: beta=0, beta=1, beta=10, or reference)'],
    [':value{sweep="fixture-sweep" at="beta=1" metric="klx"}', 'unknown metric "klx" in sweep "fixture-sweep"'],
    [':value{sweep="fixture-sweep" at="beta=1" metric="kl" stat="median"}', 'attribute stat="median": expected final, first, max, min, change, noise or step=N'],
    [':value{sweep="fixture-sweep" at="beta=1" metric="kl" stat="step=999"}', 'step 999 was not logged by run'],
    [':value{sweep="fixture-sweep" at="beta=1" metric="kl" seed=7}', 'seed 7 is not one of sweep "fixture-sweep"\'s seeds (1, 2, 3)'],
    [':value{sweep="fixture-sweep" at="beta=1" metric="kl" format="%%"}', 'attribute format="%%"'],
    [':value{sweep="fixture-sweep" metric="kl"}', 'missing attribute "at"'],
    // issue 27: a width that would inline a 100 MB span (or throw with no line), seeds that are not whole numbers as written, an attribute given twice
    [':value{sweep="fixture-sweep" at="beta=1" metric="kl" format="<100000000"}', 'attribute format="<100000000": a width of at most 100'],
    [':value{sweep="fixture-sweep" at="beta=1" metric="kl" format="<600000000"}', 'attribute format="<600000000": a width of at most 100'],
    [':value{sweep="fixture-sweep" at="beta=1" metric="kl" seed=""}', 'attribute seed="": expected a whole number'],
    [':value{sweep="fixture-sweep" at="beta=1" metric="kl" seed="0x0"}', 'attribute seed="0x0": expected a whole number'],
    [':value{sweep="fixture-sweep" at="beta=1" metric="kl" seed="1e-400"}', 'attribute seed="1e-400": expected a whole number'],
    [':value{sweep="fixture-sweep" at="beta=1" metric="kl" at="beta=10"}', 'attribute "at" is given twice'],
  ])('%s fails the build with the report file and line', async (directive, message) => {
    const body = `Some text.\n\nThe value is ${directive} here.\n`;
    await expect(renderReport(seeded, body, 'bad.md')).rejects.toThrow(`reports/bad.md:${lineOf(body, ':value')}: :value: ${message}`);
  });

  test('at= that is one value\'s label and another value as <vary>=<value> is ambiguous: refused, naming both', async () => {
    const dirs = fixtureDirs();
    try {
      // value 1 is labelled "beta=10", the way value 10 is written
      const sweepFile = join(dirs.sweepsDir, 'fixture-sweep.yaml');
      writeFileSync(sweepFile, readFileSync(sweepFile, 'utf8').replace('label: "beta=1"', 'label: "beta=10"').replace('label: "beta=10", color: blue', 'label: "ten", color: blue'));
      const body = 'Text.\n\nIt ended at :value{sweep="fixture-sweep" at="beta=10" metric="kl"}.\n';
      await expect(renderReport(dirs, body, 'bad.md')).rejects.toThrow(
        `reports/bad.md:${lineOf(body, ':value')}: :value: at="beta=10" is ambiguous in sweep "fixture-sweep": the label of value 1, and value 10 (labelled "ten"): write at="ten" for value 10, or relabel value 1`,
      );
      // each one's own name still works
      expect(await renderReport(dirs, 'It ended at :value{sweep="fixture-sweep" at="ten" metric="kl"}.\n')).toMatch(/class="inline-value"/);
    } finally {
      rmSync(dirs.root, { recursive: true, force: true });
    }
  });
});
