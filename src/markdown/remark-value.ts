// :value{sweep="kl-penalty-second" at="beta=15" metric="raw_reward"}
// A number in the prose, taken from the runs when the site is built, so the
// text cannot drift from the data when runs are trained again. It renders the
// stat (default: how the metric ended, the mean of the last 10% of steps) of
// each seed's run, averaged over the seeds, with their range when there are
// several: `527 (510–537)`. Options: stat="final|first|max|min|change|noise|step=N"
// (src/charts/final.ts), format (a d3-format specifier, e.g. ".2f" or ".0%";
// default 3 significant digits), seed=N (one seed's run alone). A change's
// title says whether it is within its noise floor, so "settled" can be checked.
// at="reference" takes the sweep's reference model measured on its large
// sample instead (run.json reference.sample), as `139 ± 1.6`: the number a
// run's metrics are compared with.
import type { Root } from 'mdast';
import { formatLocale } from 'vega';
import type { VFile } from 'vfile';
import { z } from 'zod';
import { changeNoiseOf, changeOf, changeWithinNoise, NOISE_BATCHES, statOf, type Stat } from '../charts/final';
import type { Series } from '../charts/types';
import { acrossSeeds } from '../charts/seed-bands';
import { warnOnce, type ReferenceSample, type RunReference } from '../runs';
import { metricsOf, metricsOfRuns, seriesOf } from '../site/run-data';
import { runsByValue, type ValueRuns } from '../site/sweep-runs';
import { quickBuild } from '../site/dirs';
import { directiveError, type DirectiveError } from './directive-error';
import { referencesOf } from './reference-html';
import { findTextDirectives, parseAttributes, replaceDirectives, seedAttribute, sweepOf, type DirectiveOptions } from './directives';
import { html } from './html';
import { formatNumber } from './runs-table';

const STAT = /^(final|first|max|min|change|noise|step=(\d+))$/;

const attributes = {
  sweep: z.string().min(1),
  /** A value's label, or `<vary>=<value>`. */
  at: z.string().min(1),
  metric: z.string().min(1),
  stat: z.string().regex(STAT, 'expected final, first, max, min, change, noise or step=N').default('final'),
  format: z.string().min(1).optional(),
  seed: seedAttribute.optional(),
};

/** How the title (and a screen reader) says which number this is. */
const STAT_WORDS: Record<Stat['kind'], string> = {
  final: 'mean of the last 10% of steps',
  first: 'first logged value',
  max: 'highest value',
  min: 'lowest value',
  change: 'change of the mean of the last 10% of steps over the last 20% of steps',
  noise: 'noise floor of the change over the last 20% of steps (2 standard errors, by batch means)',
  step: 'at step',
};

export default function remarkValue(options: DirectiveOptions) {
  return async (tree: Root, file: VFile) => {
    const unavailable = new Unavailable();
    await replaceDirectives(file, findTextDirectives(tree, 'value'), ({ node }) => {
      const fail = (message: string) => directiveError(file, node, 'value', message);
      const { sweep: sweepId, at, metric, stat: statText, format, seed } = parseAttributes(attributes, node, file);
      const { sweep, runs } = sweepOf(options, sweepId, node, file);
      const notYet = (what: string) => {
        const why = runs.length === 0 ? `sweep "${sweepId}" has no ${quickBuild() ? '--quick ' : ''}runs yet` : `${what} of sweep "${sweepId}" has no runs with metrics yet`;
        unavailable.add(directiveError(file, node, 'value', ''), why);
        return [{ type: 'html' as const, value: html`<span class="inline-value missing" title="no runs yet">n/a</span>`.value }];
      };
      // A label may read as another value's <vary>=<value> (value 1 labelled "beta=10" beside value 10): refuse rather than pick one.
      const byLabel = sweep.values.find((v) => v.label === at);
      const byValue = sweep.search === 'values' ? sweep.values.find((v) => `${sweep.vary}=${v.value}` === at) : undefined;
      if (byLabel && byValue && byLabel !== byValue) {
        throw fail(`at="${at}" is ambiguous in sweep "${sweepId}": the label of value ${byLabel.value}, and value ${byValue.value} (labelled "${byValue.label}"): write at="${byValue.label}" for value ${byValue.value}, or relabel value ${byLabel.value}`);
      }
      const entry = byLabel ?? byValue;
      if (!entry && at === REFERENCE) {
        if (statText !== 'final' || seed !== undefined) throw fail('at="reference" takes no stat or seed: it is the reference model over its large sample');
        if (runs.length === 0) return notYet('reference');
        return [referenceValue(referencesOf(runs), sweepId, metric, format, fail, (message) => unavailable.add(directiveError(file, node, 'value', ''), message))];
      }
      if (!entry) throw fail(`no value "${at}" in sweep "${sweepId}" (values: ${sweep.values.map((v) => v.label).join(', ')}, or reference)`);
      if (seed !== undefined && !sweep.seeds.includes(seed)) throw fail(`seed ${seed} is not one of sweep "${sweepId}"'s seeds (${sweep.seeds.join(', ')})`);
      const known = metricsOfRuns(runs.map(({ run }) => run));
      if (known.length > 0 && !known.includes(metric)) throw fail(`unknown metric "${metric}" in sweep "${sweepId}" (known: ${known.join(', ')})`);
      const stat = parseStat(statText);
      const toText = numberFormat(format ?? DEFAULT_FORMATS[stat.kind], fail);

      const group: ValueRuns | undefined = runsByValue(runs).find((g) => g.label === entry.label);
      const seedRuns = (group?.runs ?? []).filter((r) => seed === undefined || r.seed === seed);
      // A report written before training builds, and says so where the number will be.
      if (seedRuns.length === 0 || known.length === 0) return notYet(at);
      const series = seedRuns.map(({ run }) => seriesOf(metricsOf(run), metric));
      const values = series.map((one, i) => {
        const value = statOf(one, stat);
        if (value === undefined) throw fail(`step ${(stat as { step: number }).step} was not logged by run ${seedRuns[i].run.info.id}`);
        return value;
      });
      const spread = acrossSeeds(values);
      if (!spread && stat.kind === 'noise') {
        // Short runs (--quick demos) have no noise floor; the report still builds.
        unavailable.add(directiveError(file, node, 'value', ''), `${at} of sweep "${sweepId}" has too few logged steps for a noise floor (${NOISE_NEEDS})`);
        return [{ type: 'html', value: html`<span class="inline-value missing" title="too few logged steps for a noise floor">n/a</span>`.value }];
      }
      if (!spread) throw fail(`${metric} has no finite value for ${at} (${statText})`);

      const seedsText = seedRuns.length === 1 ? `seed ${seedRuns[0].seed}` : `mean over ${seedRuns.length} seeds (their range in brackets)`;
      const what = stat.kind === 'step' ? `${STAT_WORDS.step} ${stat.step}` : STAT_WORDS[stat.kind];
      const title = `${metric} of ${at} in sweep ${sweepId}: ${what}, ${seedsText}${stat.kind === 'change' ? `; ${noiseVerdict(series)}` : ''}`;
      const range = seedRuns.length > 1 ? html` <span class="spread">(${toText(spread.min)}–${toText(spread.max)})</span>` : '';
      // A noise floor is a half-width: "±4%", its range over seeds plain.
      const sign = stat.kind === 'noise' ? '±' : '';
      return [{ type: 'html', value: html`<span class="inline-value" title="${title}">${sign}${toText(spread.mean)}${range}</span>`.value }];
    });
    unavailable.warn();
  };
}

/**
 * The numbers of one report that render n/a, told in one warning for the
 * report rather than one per number: a report written before training, or a
 * quick demo build of a report on full runs, would otherwise print dozens.
 * Grouped by why: a sweep with no runs at all, a value with none, a value
 * whose runs are too short for a noise floor.
 */
class Unavailable {
  private groups = new Map<string, { what: string; lines: number[] }>();
  private first: DirectiveError | undefined;

  add(where: DirectiveError, what: string): void {
    const group = this.groups.get(what) ?? { what, lines: [] };
    if (where.line !== undefined) group.lines.push(where.line);
    this.groups.set(what, group);
    if (!this.first || (where.line ?? Infinity) < (this.first.line ?? Infinity)) this.first = where;
  }

  warn(): void {
    if (!this.first) return;
    const groups = [...this.groups.values()].map((g) => ({ ...g, lines: g.lines.sort((a, b) => a - b) }));
    const total = groups.reduce((sum, g) => sum + g.lines.length, 0);
    const place = `${this.first.file}${this.first.line ? `:${this.first.line}` : ''}: :value:`;
    if (total <= 1) return warnOnce(`${place} ${groups[0].what}`);
    const lines = (l: number[]) => (l.length === 1 ? `line ${l[0]}` : l.length <= 6 ? `lines ${l.join(', ')}` : `${l.length} numbers from line ${l[0]}`);
    warnOnce(`${place} ${total} numbers show n/a: ${groups.map((g) => `${g.what} (${lines(g.lines)})`).join('; ')}`);
  }
}

const REFERENCE = 'reference';
type SampledMetric = Exclude<keyof ReferenceSample, 'samples' | 'batch'>;
const SAMPLED_METRICS: SampledMetric[] = ['raw_reward', 'repetition', 'diversity', 'fluency', 'grammatical'];

/** at="reference": the sweep's reference model on its large sample, `mean ± standard error`. */
function referenceValue(
  references: RunReference[],
  sweepId: string,
  metric: string,
  format: string | undefined,
  fail: (message: string) => Error,
  warn: (message: string) => void,
) {
  if (!SAMPLED_METRICS.includes(metric as SampledMetric)) throw fail(`the reference's sample has no metric "${metric}" (it has ${SAMPLED_METRICS.join(', ')})`);
  const sampled = references.filter((r) => r.sample);
  if (sampled.length > 1) throw fail(`the runs of sweep "${sweepId}" start from ${sampled.length} reference models (${sampled.map((r) => r.hash).join(', ')}): which one is meant is ambiguous`);
  const sample = sampled[0]?.sample;
  if (!sample) {
    // Runs trained before the reference was measured on a sample; the report still builds.
    warn(`the runs of sweep "${sweepId}" recorded no large sample of their reference model`);
    return { type: 'html' as const, value: html`<span class="inline-value missing" title="no reference sample recorded">n/a</span>`.value };
  }
  const { mean, se } = sample[metric as SampledMetric];
  const toText = numberFormat(format, fail);
  const title = `${metric} of the reference model of sweep ${sweepId}: mean ± standard error over ${sample.samples} samples`;
  return { type: 'html' as const, value: html`<span class="inline-value" title="${title}">${toText(mean)} <span class="spread">± ${toText(se)}</span></span>`.value };
}

/** The format a stat reads best in when the directive gives none: a change as a signed percentage ("+23%"), its noise floor as a percentage. */
const DEFAULT_FORMATS: Partial<Record<Stat['kind'], string>> = { change: '+.0%', noise: '.0%' };

const NOISE_NEEDS = `each of the two 10% windows it compares needs ${NOISE_BATCHES} finite values`;

/**
 * Whether each run's change is within its noise floor (stat="noise"), for a
 * change's title: within it, the change is what the run's own noise gives.
 * One run's numbers get a decimal more than the text, so a change that reads
 * "+4%" against a floor of "±4%" shows which way it went.
 */
function noiseVerdict(series: Series[]): string {
  const verdicts = series.map(changeWithinNoise).filter((within) => within !== null);
  if (verdicts.length === 0) return `no noise floor (${NOISE_NEEDS})`;
  if (series.length === 1) {
    return `${verdicts[0] ? 'within' : 'beyond'} its noise floor (${signedPercent(changeOf(series[0])!)} against ±${percent(changeNoiseOf(series[0])!)})`;
  }
  return `within its noise floor in ${verdicts.filter(Boolean).length} of ${verdicts.length} seeds`;
}

function parseStat(text: string): Stat {
  const step = /^step=(\d+)$/.exec(text);
  return step ? { kind: 'step', step: Number(step[1]) } : { kind: text as Exclude<Stat['kind'], 'step'> };
}

/** d3-format's default locale, which vega's charts format with; vega's typings miss that formatLocale() with no definition returns it. */
const numberLocale = (formatLocale as unknown as () => { format(specifier: string): (value: number) => string })();
const percent = numberLocale.format('.1%');
const signedPercent = numberLocale.format('+.1%');

/** The widest number a format may pad to: "<100000000" would put 100 MB of spaces in the page (and a larger one fail with no line). */
const MAX_FORMAT_WIDTH = 100;
/** d3-format's grammar of a specifier; its width is group 6 (the precision d3 clamps to 20 or 21 itself). */
const SPECIFIER = /^(?:(.)?([<>=^]))?([+\-( ])?([$#])?(0)?(\d+)?(,)?(\.\d+)?(~)?([a-z%])?$/i;

/** A d3-format specifier as a function; a bad one is the directive's error. */
function numberFormat(specifier: string | undefined, fail: (message: string) => Error): (value: number) => string {
  if (specifier === undefined) return formatNumber;
  let format: (value: number) => string;
  try {
    format = numberLocale.format(specifier);
  } catch (error) {
    throw fail(`attribute format="${specifier}": ${(error as Error).message}`);
  }
  const width = Number(SPECIFIER.exec(specifier)?.[6] ?? 0);
  if (width > MAX_FORMAT_WIDTH) throw fail(`attribute format="${specifier}": a width of at most ${MAX_FORMAT_WIDTH}`);
  return format;
}

