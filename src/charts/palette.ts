// Which color is drawn for a value: the one rule every figure, legend, hover
// swatch, table and page uses, so a value has one color everywhere.
//
// A sweep's colors are resolved together, per theme, in the sweep file's
// order. Each first gets 3:1 against that theme's page (contrast.ts); then
// each must be told apart from every value before it, by a reader with normal
// vision and by one with protanopia, deuteranopia or tritanopia: CIEDE2000
// distance at least MIN_DISTANCE (normal) and MIN_CVD_DISTANCE (simulated
// deficiency). A value too close to an earlier one moves (the earlier one,
// listed first in the sweep file, keeps its color) to the nearest color, by
// ΔE00 from its own, that keeps 3:1 and is far enough from all before it;
// when none is, to the one farthest from its nearest neighbour.
import { contrast, PAGE_BACKGROUND, parseHex, themedColor, type ThemedColor } from './contrast';
import { cssColorHex } from '../runs/css-colors';

/**
 * ΔE00 between two lines 2 px wide that a reader tells apart at a glance,
 * chosen by looking: new-sweep's old orange and gold, darkened for the light
 * page (#c98200, #aa8f00), read as one color at 13.1; peru and darkorange at 5.0.
 */
export const MIN_DISTANCE = 15;
/**
 * Under simulated color-vision deficiency mid-tones of 3:1 on both pages
 * collapse towards one blue–yellow axis: 6 is "clearly different side by
 * side", which 8 colors can reach with room (runs/sweeps.ts DEFAULT_COLORS: 8).
 */
export const MIN_CVD_DISTANCE = 6;

export type Vision = 'normal' | 'protanopia' | 'deuteranopia' | 'tritanopia';
export const VISIONS: Vision[] = ['normal', 'protanopia', 'deuteranopia', 'tritanopia'];

type RGB = [number, number, number];
type Lab = [number, number, number];
type Theme = keyof typeof PAGE_BACKGROUND;

/** Machado, Oliveira & Fernandes (2009), severity 1, on linear RGB. */
const CVD: Record<Exclude<Vision, 'normal'>, number[]> = {
  protanopia: [0.152286, 1.052583, -0.204868, 0.114503, 0.786281, 0.099216, -0.003882, -0.048116, 1.051998],
  deuteranopia: [0.367322, 0.860646, -0.227968, 0.280085, 0.672501, 0.047413, -0.01182, 0.04294, 0.968881],
  tritanopia: [1.255528, -0.076749, -0.178779, -0.078411, 0.930809, 0.147602, 0.004733, 0.691367, 0.3039],
};

/** A value's color as a figure is given it: a CSS color, or the pair a sweep's valueColors resolved. */
export type ValueColor = string | ThemedColor;

/**
 * A figure's drawn colors: pairs as given (the site resolves each sweep's
 * values together, so a value has its color on every page even where a
 * figure shows some of them), CSS colors resolved together as a sweep's.
 */
export function drawnColors(colors: readonly ValueColor[]): ThemedColor[] {
  const resolved = valueColors(colors.filter((c): c is string => typeof c === 'string'));
  let k = 0;
  return colors.map((c) => (typeof c === 'string' ? resolved[k++] : c));
}

/** A swatch's style attribute: its color in each theme, which site.css's .swatch picks by the page's. */
export function swatchStyle({ light, dark }: ThemedColor): string {
  return `--swatch:${light};--swatch-dark:${dark}`;
}

/**
 * Past this many values no set of colors keeps them apart (nor do lines of
 * them), and the search for one takes minutes (50 values: 33 s; 1,000: days):
 * such a sweep's values are drawn on a color ramp in the sweep file's order
 * instead, their own colors not used (see rampColors).
 */
export const MAX_DISTINCT_COLORS = 24;

/**
 * Each value's drawn colors, light and dark, for a sweep's colors in its
 * file's order; past MAX_DISTINCT_COLORS, the ramp's.
 */
export function valueColors(colors: readonly string[]): ThemedColor[] {
  const key = colors.join(',');
  let resolved = cache.get(key);
  if (!resolved) {
    const many = colors.length > MAX_DISTINCT_COLORS;
    const light = many ? rampColors(colors.length, 'light') : resolveTheme(colors, 'light');
    const dark = many ? rampColors(colors.length, 'dark') : resolveTheme(colors, 'dark');
    resolved = colors.map((_, i) => ({ light: light[i], dark: dark[i] }));
    cache.set(key, resolved);
  }
  return resolved;
}
// On globalThis: a build resolves a sweep's colors in the content layer and again in the pages'
// bundle (two instances of this module), and a 1,000-value sweep's take a minute to resolve.
const cache: Map<string, ThemedColor[]> = ((globalThis as { sweepbookValueColors?: Map<string, ThemedColor[]> }).sweepbookValueColors ??= new Map());

/**
 * How many colors a ramp has: neighbours on it look alike anyway, and a
 * figure writes the lines of one color as one path (figure.ts), each color's
 * dark-theme rule once.
 */
export const RAMP_STEPS = 32;

/**
 * `count` colors from blue through green and orange to red (CIE LCh hue 260°
 * down to 20°, as a sweep's first value to its last) in RAMP_STEPS steps, each
 * of 3:1 against the theme's page: a reader sees where in the sweep a line
 * is, not which value.
 */
export function rampColors(count: number, theme: Theme): string[] {
  const bg = parseHex(PAGE_BACKGROUND[theme]);
  const steps = Array.from({ length: RAMP_STEPS }, (_, step) => rampColor(step / (RAMP_STEPS - 1), bg, theme));
  return Array.from({ length: count }, (_, i) => steps[Math.round((i * (RAMP_STEPS - 1)) / Math.max(1, count - 1))]);
}

/** The ramp's color `at` (0 to 1) of the way along it. */
function rampColor(at: number, bg: RGB, theme: Theme): string {
  const h = ((260 - 240 * at) * Math.PI) / 180;
  // the lightness nearest the theme's start that reaches 3:1 with some margin, at the most chroma the gamut has there
  for (let step = 0; step < 40; step++) {
    const l = theme === 'light' ? 52 - step : 68 + step;
    for (let c = 55; c >= 0; c -= 5) {
      const rgb = fromLab([l, c * Math.cos(h), c * Math.sin(h)]);
      if (rgb && contrast(rgb, bg) >= 3.1) return toHex(rgb);
    }
  }
  return theme === 'light' ? '#555555' : '#aaaaaa';
}

/** The smallest ΔE00 of two colors, over normal vision and the three simulated deficiencies, each against its floor (1 = at the floor). */
function worstShare(a: Lab[], b: Lab[]): number {
  // A loop, not Math.min over a mapped array: called millions of times for a sweep of hundreds of values.
  let worst = ciede2000(a[0], b[0]) / MIN_DISTANCE;
  for (let v = 1; v < VISIONS.length; v++) worst = Math.min(worst, ciede2000(a[v], b[v]) / MIN_CVD_DISTANCE);
  return worst;
}

function resolveTheme(colors: readonly string[], theme: Theme): string[] {
  const bg = parseHex(PAGE_BACKGROUND[theme]);
  const chosen: { color: string; labs: Lab[] }[] = [];
  // Candidates' scores against the colors chosen so far, from the first color that must move: each
  // chosen color is scored against each candidate once, not again for every later value (which made
  // a sweep of 300 values minutes a build and one of 1,000 hours: issue 28). The same colors as before.
  let scores: { of: Float64Array; upTo: number } | undefined;
  for (const color of colors) {
    const own = themedColor(color)[theme];
    const hex = cssColorHex(own);
    // an unknown color (not a CSS name) is drawn as written
    if (!hex) {
      chosen.push({ color: own, labs: [] });
      continue;
    }
    const labs = seen(parseHex(hex));
    const before = chosen.filter((c) => c.labs.length > 0);
    if (before.every((c) => worstShare(labs, c.labs) >= 1)) {
      chosen.push({ color: own, labs });
      continue;
    }
    // Each candidate's score against every color before it, kept up to date as colors are chosen.
    const pool = candidates(bg);
    scores ??= { of: new Float64Array(pool.length).fill(Infinity), upTo: 0 };
    for (; scores.upTo < before.length; scores.upTo++) {
      const c = before[scores.upTo];
      for (let j = 0; j < pool.length; j++) scores.of[j] = Math.min(scores.of[j], worstShare(pool[j].labs, c.labs));
    }
    // Every candidate of 3:1, nearest to the color's own first; the first far enough wins, else the farthest.
    let best = { color: own, labs, score: -Infinity, distance: Infinity };
    for (let j = 0; j < pool.length; j++) {
      const candidate = pool[j];
      const distance = ciede2000(labs[0], candidate.labs[0]);
      if (best.score >= 1 && distance >= best.distance) continue; // a nearer one passes already
      const score = scores.of[j];
      if (score >= 1 ? best.score < 1 || distance < best.distance : score > best.score) best = { ...candidate, score, distance };
    }
    chosen.push({ color: best.color, labs: best.labs });
  }
  return chosen.map((c) => c.color);
}

/** Colors of 3:1 against the page: a grid over CIE LCh (lightness 2 apart, 8 chromas, hue 10° apart), in sRGB. */
function candidates(bg: RGB): { color: string; labs: Lab[] }[] {
  const key = bg.join();
  let found = candidateCache.get(key);
  if (found) return found;
  found = [];
  for (let l = 20; l <= 90; l += 2)
    for (let c = 10; c <= 80; c += 10)
      for (let h = 0; h < 360; h += 10) {
        const rgb = fromLab([l, c * Math.cos((h * Math.PI) / 180), c * Math.sin((h * Math.PI) / 180)]);
        if (!rgb || contrast(rgb, bg) < 3.1) continue;
        const color = toHex(rgb);
        found.push({ color, labs: seen(parseHex(color)) });
      }
  candidateCache.set(key, found);
  return found;
}
const candidateCache = new Map<string, { color: string; labs: Lab[] }[]>();

/** A color as seen with each vision (VISIONS' order), in CIELAB. */
export function seen(rgb: RGB): Lab[] {
  const linear = rgb.map(toLinear) as RGB;
  return VISIONS.map((vision) => toLab(vision === 'normal' ? linear : simulate(linear, CVD[vision])));
}

function simulate([r, g, b]: RGB, m: number[]): RGB {
  return [0, 3, 6].map((i) => Math.min(1, Math.max(0, m[i] * r + m[i + 1] * g + m[i + 2] * b))) as RGB;
}

function toLinear(c: number): number {
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

function fromLinear(c: number): number {
  return c <= 0.0031308 ? 12.92 * c : 1.055 * c ** (1 / 2.4) - 0.055;
}

const WHITE = [0.95047, 1, 1.08883];

function toLab([r, g, b]: RGB): Lab {
  const xyz = [0.4124564 * r + 0.3575761 * g + 0.1804375 * b, 0.2126729 * r + 0.7151522 * g + 0.072175 * b, 0.0193339 * r + 0.119192 * g + 0.9503041 * b];
  const [fx, fy, fz] = xyz.map((v, i) => {
    const t = v / WHITE[i];
    return t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116;
  });
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** sRGB (gamma-encoded) of a CIELAB color, or null outside the sRGB gamut. */
function fromLab([l, a, b]: Lab): RGB | null {
  const fy = (l + 16) / 116;
  const [x, y, z] = [fy + a / 500, fy, fy - b / 200].map((f, i) => WHITE[i] * (f ** 3 > 216 / 24389 ? f ** 3 : (116 * f - 16) / (24389 / 27)));
  const linear = [3.2404542 * x - 1.5371385 * y - 0.4985314 * z, -0.969266 * x + 1.8760108 * y + 0.041556 * z, 0.0556434 * x - 0.2040259 * y + 1.0572252 * z];
  if (linear.some((c) => c < -1e-4 || c > 1 + 1e-4)) return null;
  return linear.map((c) => fromLinear(Math.min(1, Math.max(0, c)))) as RGB;
}

function toHex(rgb: RGB): string {
  return `#${rgb.map((c) => Math.round(c * 255).toString(16).padStart(2, '0')).join('')}`;
}

/** CIEDE2000 color difference (Sharma, Wu & Dalal 2005). */
export function ciede2000([l1, a1, b1]: Lab, [l2, a2, b2]: Lab): number {
  const rad = Math.PI / 180;
  const cBar = (Math.hypot(a1, b1) + Math.hypot(a2, b2)) / 2;
  const g = 0.5 * (1 - Math.sqrt(cBar ** 7 / (cBar ** 7 + 25 ** 7)));
  const [ap1, ap2] = [a1 * (1 + g), a2 * (1 + g)];
  const [c1, c2] = [Math.hypot(ap1, b1), Math.hypot(ap2, b2)];
  const hue = (b: number, a: number) => (a === 0 && b === 0 ? 0 : (Math.atan2(b, a) / rad + 360) % 360);
  const [h1, h2] = [hue(b1, ap1), hue(b2, ap2)];
  const dL = l2 - l1;
  const dC = c2 - c1;
  let dh = c1 * c2 === 0 ? 0 : h2 - h1;
  if (dh > 180) dh -= 360;
  else if (dh < -180) dh += 360;
  const dH = 2 * Math.sqrt(c1 * c2) * Math.sin((dh * rad) / 2);
  const lBar = (l1 + l2) / 2;
  const cpBar = (c1 + c2) / 2;
  let hBar = h1 + h2;
  if (c1 * c2 !== 0) hBar = Math.abs(h1 - h2) <= 180 ? hBar / 2 : hBar < 360 ? (hBar + 360) / 2 : (hBar - 360) / 2;
  const t = 1 - 0.17 * Math.cos((hBar - 30) * rad) + 0.24 * Math.cos(2 * hBar * rad) + 0.32 * Math.cos((3 * hBar + 6) * rad) - 0.2 * Math.cos((4 * hBar - 63) * rad);
  const sL = 1 + (0.015 * (lBar - 50) ** 2) / Math.sqrt(20 + (lBar - 50) ** 2);
  const sC = 1 + 0.045 * cpBar;
  const sH = 1 + 0.015 * cpBar * t;
  const rT = -2 * Math.sqrt(cpBar ** 7 / (cpBar ** 7 + 25 ** 7)) * Math.sin(60 * Math.exp(-(((hBar - 275) / 25) ** 2)) * rad);
  return Math.sqrt((dL / sL) ** 2 + (dC / sC) ** 2 + (dH / sH) ** 2 + rT * (dC / sC) * (dH / sH));
}
