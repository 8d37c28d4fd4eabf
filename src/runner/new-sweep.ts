// `npm run new-sweep`: the files a user writes to add a sweep page, written
// for them — a sweep file and a report stub with the directives in place.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultColor, formatSweepFile, parseSweep, SweepFileError, sweepIdProblem, type ParamValue } from '../runs';
import { CONFIG_KEYS, TrainConfig } from '../train/config';
import { trainerUnits } from './plan';

export interface NewSweep {
  id: string;
  /** The config field to vary, e.g. "beta"; with `more`, the one the colors follow. */
  vary: string;
  values: ParamValue[];
  /** More fields to vary with it: a grid of every combination. */
  more?: { vary: string; values: ParamValue[] }[];
  /** Each value trains once per seed; default three, so figures show a spread. */
  seeds?: number[];
  title?: string;
  contentDir: string;
  /** Overwrite existing files. */
  force?: boolean;
}

export class NewSweepError extends Error {}

/** Three seeds: the fewest that show whether a difference between values is more than chance. */
export const DEFAULT_SEEDS = [0, 1, 2];

/** Parses "10,20,50" into values: numbers where they read as numbers, else strings. */
export function parseValues(text: string): ParamValue[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => (/^-?(\d+\.?\d*|\.\d+)(e-?\d+)?$/i.test(part) ? Number(part) : part));
}

/** "0,1,2" as seeds: whole numbers as written (digits), so "1e-400" or "0x1" is not quietly some seed. */
function parseSeeds(text: string): number[] {
  const parts = text.split(',').map((part) => part.trim()).filter((part) => part !== '');
  if (parts.length === 0 || !parts.every((part) => /^-?\d+$/.test(part))) throw new NewSweepError(`--seeds ${text}: give whole numbers, e.g. --seeds 0,1,2`);
  return parts.map(Number);
}

/**
 * Writes the sweep file and the report stub, after checking both as the
 * trainer and the site would: a sweep file it refuses would stop `npm run
 * train` for every sweep, so nothing is written unless all is valid.
 */
export function newSweep(options: NewSweep): { sweepFile: string; reportFile: string } {
  const { id, vary, values } = options;
  const idProblem = sweepIdProblem(id);
  if (idProblem) throw new NewSweepError(`sweep id "${id}": ${idProblem}`);
  const varied = [{ vary, values }, ...(options.more ?? [])];
  for (const param of varied) checkVaried(param);
  const twice = varied.find((param, index) => varied.findIndex((other) => other.vary === param.vary) !== index);
  if (twice) throw new NewSweepError(`--vary ${twice.vary} is given twice: give its values once, --vary ${twice.vary}=<v1>,<v2>`);

  const sweepFile = join(options.contentDir, 'sweeps', `${id}.yaml`);
  const reportFile = join(options.contentDir, 'reports', `${id}.md`);
  for (const file of [sweepFile, reportFile]) {
    if (existsSync(file) && !options.force) throw new NewSweepError(`${file} exists already (--force overwrites it)`);
  }

  const title = options.title ?? `Sweeping ${varied.map((param) => param.vary).join(' × ')}`;
  const seeds = options.seeds ?? DEFAULT_SEEDS;
  const sweepText =
    varied.length > 1
      ? formatSweepFile({ title, seeds, grid: Object.fromEntries(varied.map((param) => [param.vary, param.values])), config: {} })
      : formatSweepFile({ title, vary, seeds, values: values.map((value, index) => ({ value, label: `${vary}=${value}`, color: defaultColor(index) })), config: {} });
  try {
    trainerUnits(parseSweep(sweepFile, sweepText), false); // what we write must be what the trainer and the site accept
  } catch (error) {
    if (!(error instanceof SweepFileError)) throw error;
    // In the terms of the command line: the file it speaks of was not written.
    const param = varied.find((p) => error.field === `grid.${p.vary}` || error.field?.startsWith(`grid.${p.vary}.`)) ?? varied[0];
    const flag = error.field?.startsWith('seeds') ? `--seeds ${(options.seeds ?? []).join(',')}` : `--vary ${param.vary}=${param.values.join(',')}`;
    throw new NewSweepError(`${flag}: ${error.detail}`);
  }
  for (const [file, text] of [[sweepFile, sweepText], [reportFile, reportStub(id, title, varied)]]) {
    try {
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
    } catch (error) {
      if (!(error as NodeJS.ErrnoException).code) throw error;
      throw new NewSweepError(`cannot write ${file}: ${(error as Error).message}`);
    }
  }
  return { sweepFile, reportFile };
}

/** A field to vary and its values, each checked as the trainer would. */
function checkVaried({ vary, values }: { vary: string; values: ParamValue[] }): void {
  if (vary === 'seed') throw new NewSweepError('--vary seed: give the seeds with --seeds 0,1,2 (each value trains once per seed)');
  if (!CONFIG_KEYS.includes(vary)) throw new NewSweepError(`--vary ${vary}: not a training config field (fields: ${CONFIG_KEYS.join(', ')})`);
  if (values.length === 0) throw new NewSweepError(`--vary ${vary}=...: give at least one value, e.g. --vary ${vary}=10,20,50`);
  const field = TrainConfig.shape[vary as keyof typeof TrainConfig.shape];
  for (const value of values) {
    const result = field.safeParse(value);
    if (!result.success) throw new NewSweepError(`--vary ${vary}=${values.join(',')}: ${JSON.stringify(value)}: ${result.error.issues[0].message}`);
  }
}

function reportStub(id: string, title: string, varied: { vary: string; values: ParamValue[] }[]): string {
  const date = new Date().toISOString().slice(0, 10);
  const over = varied.map(({ vary, values }) => `\`${vary}\` over ${values.map((value) => `\`${value}\``).join(', ')}`).join(' and ');
  const description = varied.map(({ vary, values }) => `${vary} over ${values.join(', ')}`).join(' and ');
  // a grid: where each point ended against its second field, a line per value of the first
  const final = varied.length > 1 && varied[1].values.every((value) => typeof value === 'number')
    ? `\nWhere each point ended, against \`${varied[1].vary}\`, a line per \`${varied[0].vary}\`:\n\n::final{sweeps="${id}" metric="raw_reward" x="${varied[1].vary}"}\n`
    : '';
  const parallel = varied.length > 1 ? `\nEvery point, its ${varied.map((p) => `\`${p.vary}\``).join(' and ')}, then where it ended:\n\n::parallel{sweep="${id}" metrics="raw_reward,kl,repetition"}\n` : '';
  return `---
title: ${JSON.stringify(title)}
date: ${date}
description: ${JSON.stringify(`A sweep of ${description}.`)}
---

We sweep ${over}${varied.length > 1 ? ', every combination' : ''}:

::runs{sweep="${id}"}
${parallel}${final}
The raw reward:

::figure{sweep="${id}" metric="raw_reward"}

The KL divergence from the reference model (before multiplying by \`beta\`):

::figure{sweep="${id}" metric="kl"}

How repetitive the text is (the share of words that repeat an earlier word):

::figure{sweep="${id}" metric="repetition"}

The last two generations of each run:

::generations{sweep="${id}" last=2}

## Conclusions

Write here what the figures and generations show.
`;
}

const USAGE = 'usage: npm run new-sweep -- <id> --vary <field>=<v1>,<v2>,... [--vary <field>=...] [--seeds 0,1,2] [--title "..."] [--force]';

/**
 * `npm run new-sweep -- <id> --vary beta=10,20,50 [--seeds 0,1,2] [--title "..."] [--force]`:
 * writes the files and says what to do next. Exit code 0, or 2 with one line
 * for bad arguments or a file that would be overwritten; anything else is thrown.
 */
export function main(argv: string[], env: NodeJS.ProcessEnv = process.env): number {
  try {
    const { values: flags, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { vary: { type: 'string', multiple: true }, seeds: { type: 'string' }, title: { type: 'string' }, force: { type: 'boolean' }, help: { type: 'boolean' } },
    });
    if (flags.help) {
      console.log(USAGE);
      return 0;
    }
    const [id, ...extra] = positionals;
    const matches = (flags.vary ?? []).map((vary) => /^([^=]+)=(.*)$/.exec(vary));
    if (!id || extra.length > 0 || matches.length === 0 || matches.some((match) => !match)) throw new NewSweepError(USAGE);
    const [first, ...more] = matches.map((match) => ({ vary: match![1].trim(), values: parseValues(match![2]) }));
    const seeds = flags.seeds === undefined ? undefined : parseSeeds(flags.seeds);
    const { sweepFile, reportFile } = newSweep({
      id,
      ...first,
      more,
      seeds,
      title: flags.title,
      contentDir: env.CONTENT_DIR ?? 'content',
      force: flags.force,
    });
    console.log(`wrote ${sweepFile}\nwrote ${reportFile}\n
next:
  npm run train -- --sweep ${id}     # add --quick for a fast demo
  npm run build && npm run preview   # the page is /reports/${id}/`);
    return 0;
  } catch (error) {
    if (!(error instanceof NewSweepError || error instanceof SweepFileError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))) throw error;
    console.error(`new-sweep: ${(error as Error).message}`);
    return 2;
  }
}
