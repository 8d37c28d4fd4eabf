// The hparams.yaml that PyTorch Lightning's CSVLogger writes beside metrics.csv:
// the module's save_hyperparameters() as PyYAML's yaml.dump writes them (block
// style, keys sorted, nested dicts as nested maps, tuples and other Python
// objects tagged !!python/...).
import { isMap, isScalar, LineCounter, parseDocument } from 'yaml';
import type { ParamValue } from '../runs';
import { CsvFileError } from './errors';

export interface Hparams {
  /** The scalar values, nested maps' keys joined with '.': `model.lr`. */
  params: Record<string, ParamValue>;
  /** Values that are not a number, string or boolean: lists, nulls, NaN and infinities, Python objects. */
  skipped: number;
}

/** The params of an hparams.yaml's text; a text that is not YAML is a CsvFileError naming `file` and the line. */
export function readHparams(text: string, file: string): Hparams {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0];
    throw new CsvFileError(file, lineCounter.linePos(error.pos[0]).line, undefined, `not valid YAML: ${error.message.split('\n')[0]}`);
  }
  const hparams: Hparams = { params: {}, skipped: 0 };
  const visit = (node: unknown, key: string): void => {
    // A Python object PyYAML could only write with its type (a tuple, a dtype, a Namespace): not a param a sweep can vary.
    if (isTagged(node)) hparams.skipped++;
    else if (isMap(node)) {
      for (const pair of node.items) {
        const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        visit(pair.value, key === '' ? name : `${key}.${name}`);
      }
    } else if (isScalar(node) && isParamValue(node.value)) hparams.params[key] = node.value;
    else hparams.skipped++;
  };
  // Lightning writes `{}` when there are none; an empty file is null.
  if (isMap(doc.contents)) visit(doc.contents, '');
  return hparams;
}

function isTagged(node: unknown): boolean {
  return (isMap(node) || isScalar(node)) && node.tag?.startsWith('tag:yaml.org,2002:python/') === true;
}

// run.json's params are JSON: NaN and the infinities have no place there.
function isParamValue(value: unknown): value is ParamValue {
  return typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
}
