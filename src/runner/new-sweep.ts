// `npm run new-sweep`: the files a user writes to add a sweep page, written
// for them — a sweep file and a report stub with the directives in place.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultColor, formatSweepFile, loadSweep, type ParamValue } from '../runs';
import { TrainConfig } from '../train/config';

export interface NewSweep {
  id: string;
  /** The config field to vary, e.g. "beta". */
  vary: string;
  values: ParamValue[];
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

export function newSweep(options: NewSweep): { sweepFile: string; reportFile: string } {
  const { id, vary, values } = options;
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new NewSweepError(`sweep id "${id}": use lowercase letters, digits and dashes`);
  const fields = Object.keys(TrainConfig.shape);
  if (!fields.includes(vary)) throw new NewSweepError(`--vary ${vary}: not a training config field (fields: ${fields.join(', ')})`);
  if (values.length === 0) throw new NewSweepError(`--vary ${vary}=...: give at least one value, e.g. --vary ${vary}=10,20,50`);
  const field = TrainConfig.shape[vary as keyof typeof TrainConfig.shape];
  for (const value of values) {
    const result = field.safeParse(value);
    if (!result.success) throw new NewSweepError(`--vary ${vary}=${values.join(',')}: ${JSON.stringify(value)}: ${result.error.issues[0].message}`);
  }

  const sweepFile = join(options.contentDir, 'sweeps', `${id}.yaml`);
  const reportFile = join(options.contentDir, 'reports', `${id}.md`);
  for (const file of [sweepFile, reportFile]) {
    if (existsSync(file) && !options.force) throw new NewSweepError(`${file} exists already (--force overwrites it)`);
  }

  const title = options.title ?? `Sweeping ${vary}`;
  const sweep = {
    title,
    vary,
    seeds: options.seeds ?? DEFAULT_SEEDS,
    values: values.map((value, index) => ({ value, label: `${vary}=${value}`, color: defaultColor(index) })),
    config: {},
  };
  mkdirSync(join(options.contentDir, 'sweeps'), { recursive: true });
  mkdirSync(join(options.contentDir, 'reports'), { recursive: true });
  writeFileSync(sweepFile, formatSweepFile(sweep));
  loadSweep(sweepFile); // what we write must be what the trainer and the site accept
  writeFileSync(reportFile, reportStub(id, title, vary, values));
  return { sweepFile, reportFile };
}

function reportStub(id: string, title: string, vary: string, values: ParamValue[]): string {
  const date = new Date().toISOString().slice(0, 10);
  return `---
title: ${JSON.stringify(title)}
date: ${date}
description: ${JSON.stringify(`A sweep of ${vary} over ${values.join(', ')}.`)}
---

We sweep \`${vary}\` over ${values.map((value) => `\`${value}\``).join(', ')}:

::runs{sweep="${id}"}

The raw reward:

::figure{sweep="${id}" metric="raw_reward" caption="The x-axis is the number of training steps."}

The KL divergence from the reference model (before multiplying by \`beta\`):

::figure{sweep="${id}" metric="kl" caption="The x-axis is the number of training steps."}

How repetitive the text is (the share of words that repeat an earlier word):

::figure{sweep="${id}" metric="repetition" caption="The x-axis is the number of training steps."}

The last two generations of each run:

::generations{sweep="${id}" last=2}

## Conclusions

Write here what the figures and generations show.
`;
}
