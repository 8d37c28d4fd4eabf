// Vega-lite specs of one kind of figure (a run page's KL, every sweep's
// reward) differ in their data, their runs' labels and colors and, for a
// narrow drawing, the domains it copies from the wide one. Compiling and
// parsing a spec took 60% of vega's time a figure; here each kind is
// compiled and parsed once, and a figure is a new View of it given its
// data and those scales. A new View, not a reused one: a view redrawn with
// other data may order its marks otherwise, and a figure must not depend on
// the figures drawn before it.
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** What a figure gives the View of its kind: its data sets, and its scales' domains and ranges, by signal name. */
interface Varying {
  data: [name: string, values: object[]][];
  signals: [name: string, value: unknown][];
}

/** The scales whose literal domain (and, for color, range) varies between figures of a kind. */
const SCALES = ['x', 'y', 'color'] as const;
type Channel = (typeof SCALES)[number];

interface Encoded {
  encoding?: Partial<Record<Channel, { scale?: { domain?: unknown; range?: unknown } | null }>>;
  data?: { values?: object[] };
}

/** Parsed vega specs by their kind (the spec without what varies); kinds are few, so the map stays small. */
const parsed = new Map<string, vega.Runtime>();
const MAX_KINDS = 200;

/** A View of the spec, ready to run: parsed once for all specs of its kind. */
export function viewOf(spec: TopLevelSpec): vega.View {
  const { kind, varying } = split(spec);
  const key = JSON.stringify(kind);
  let runtime = parsed.get(key);
  if (!runtime) {
    runtime = vega.parse(withSignals(compile(kind).spec, varying));
    if (parsed.size >= MAX_KINDS) parsed.delete(parsed.keys().next().value!);
    parsed.set(key, runtime);
  }
  const view = new vega.View(runtime, { renderer: 'none' });
  for (const [name, values] of varying.data) view.data(name, values);
  for (const [name, value] of varying.signals) view.signal(name, value);
  return view;
}

/** The spec with its data named instead of given and its varying scales' literals as placeholders, and those. */
function split(spec: TopLevelSpec): { kind: TopLevelSpec; varying: Varying } {
  const kind = copyWithoutData(spec) as TopLevelSpec & Encoded & { layer?: Encoded[] };
  const varying: Varying = { data: [], signals: [] };
  const nameData = (unit: Encoded, name: string) => {
    if (!unit.data?.values) return;
    varying.data.push([name, unit.data.values]);
    unit.data = { name } as Encoded['data'];
  };
  nameData(kind, 'sb_data');
  kind.layer?.forEach((layer, i) => nameData(layer, `sb_layer_${i}`));
  for (const channel of SCALES) {
    const scales = [kind, ...(kind.layer ?? [])].map((unit) => unit.encoding?.[channel]?.scale).filter((scale) => scale);
    for (const part of ['domain', 'range'] as const) {
      const literals = scales.map((scale) => scale![part]).filter(Array.isArray);
      // Only a literal given alike in every layer is the scale's: anything else stays part of the kind.
      if (literals.length === 0 || literals.length !== scales.length || literals.some((l) => JSON.stringify(l) !== JSON.stringify(literals[0]))) continue;
      varying.signals.push([`sb_${channel}_${part}`, literals[0]]);
      for (const scale of scales) scale![part] = literals[0].map(placeholder);
    }
  }
  return { kind, varying };
}

/**
 * What stands in the kind for a varying literal: a number's sign (vega-lite
 * decides whether a scale starts at zero from whether its domain holds 0),
 * and a string's nothing.
 */
function placeholder(literal: unknown): unknown {
  return typeof literal === 'number' ? Math.sign(literal) : '';
}

/** A spec's copy, its data values left as they are (they are taken out, not changed). */
function copyWithoutData(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) return value.map((item) => copyWithoutData(item));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, key === 'data' && k === 'values' ? v : copyWithoutData(v, k)]));
}

/** The compiled spec with its varying scales' domains and ranges read from signals. */
function withSignals(spec: vega.Spec, { signals }: Varying): vega.Spec {
  const unused = new Set(signals.map(([name]) => name));
  const scales = (spec.scales ?? []).map((scale) => {
    const patched: Record<string, unknown> = { ...scale };
    for (const part of ['domain', 'range'] as const) {
      const name = `sb_${scale.name}_${part}`;
      if (unused.delete(name)) patched[part] = { signal: name };
    }
    return patched as unknown as vega.Scale;
  });
  // A placeholder no scale reads would be drawn as it is.
  if (unused.size > 0) throw new Error(`figure spec: no scale takes ${[...unused].join(', ')}`);
  return { ...spec, scales, signals: [...(spec.signals ?? []), ...signals.map(([name, value]) => ({ name, value }))] };
}
