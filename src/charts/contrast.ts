// Lines must stand out from the page in both themes: WCAG's non-text contrast
// asks 3:1 against the background. A sweep's color that falls short (yellow on
// the light page, blue on the dark one) keeps its hue and saturation and only
// moves its lightness (HSL) until it passes: darker for the light page,
// lighter for the dark one. Figures are drawn in the light variant; an SVG
// style swaps in the dark one under prefers-color-scheme: dark (darkColorStyle).
import { cssColorHex } from '../runs/css-colors';

/** The page backgrounds of src/styles/site.css (--bg), light and dark: keep in step. */
export const PAGE_BACKGROUND = { light: '#fdfdfc', dark: '#17181a' } as const;

/** WCAG 2 non-text contrast is 3:1; a little above it, so rounding to hex never lands below. */
const TARGET = 3.1;

export interface ThemedColor {
  light: string;
  dark: string;
}

/** A run color for each theme: the color itself where it contrasts enough with that page, else its nearest that does. */
export function themedColor(color: string): ThemedColor {
  const hex = cssColorHex(color);
  if (!hex) return { light: color, dark: color };
  const rgb = parseHex(hex);
  return {
    light: contrast(rgb, parseHex(PAGE_BACKGROUND.light)) >= TARGET ? color : adjust(rgb, PAGE_BACKGROUND.light, 'darker'),
    dark: contrast(rgb, parseHex(PAGE_BACKGROUND.dark)) >= TARGET ? color : adjust(rgb, PAGE_BACKGROUND.dark, 'lighter'),
  };
}

/**
 * CSS for an inline SVG drawn in light variants: under the dark scheme each
 * light variant that differs is drawn in its dark variant. Empty when none differs.
 */
export function darkColorStyle(colors: ThemedColor[]): string {
  const rules = [...new Map(colors.filter((c) => c.light !== c.dark).map((c) => [c.light, c.dark])).entries()]
    .map(([light, dark]) => `[stroke="${light}"]{stroke:${dark}}[fill="${light}"]{fill:${dark}}`)
    .join('');
  return rules ? `<style>@media (prefers-color-scheme: dark){${rules}}</style>` : '';
}

/** WCAG 2 contrast ratio of two sRGB colors. */
export function contrast(a: RGB, b: RGB): number {
  const [la, lb] = [luminance(a), luminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

type RGB = [number, number, number];

export function parseHex(hex: string): RGB {
  return [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255) as RGB;
}

function luminance(rgb: RGB): number {
  const [r, g, b] = rgb.map((c) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** The lightness closest to the color's own (same hue and saturation) that reaches TARGET against the background. */
function adjust(rgb: RGB, background: string, direction: 'darker' | 'lighter'): string {
  const [h, s, l] = toHsl(rgb);
  const bg = parseHex(background);
  // Contrast grows monotonically as lightness moves away from the background's: bisect.
  let [passing, failing] = direction === 'darker' ? [0, l] : [1, l];
  for (let i = 0; i < 24; i++) {
    const mid = (passing + failing) / 2;
    if (contrast(fromHsl(h, s, mid), bg) >= TARGET) passing = mid;
    else failing = mid;
  }
  return toHex(fromHsl(h, s, passing));
}

function toHsl([r, g, b]: RGB): RGB {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  if (max === min) return [0, 0, l];
  const d = max - min;
  const s = l > 0.5 ? d / (2 - max - min) : d / (max + min);
  const h = max === r ? (g - b) / d + (g < b ? 6 : 0) : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return [h / 6, s, l];
}

function fromHsl(h: number, s: number, l: number): RGB {
  const q = l < 0.5 ? l * (1 + s) : l + s - l * s;
  const p = 2 * l - q;
  const channel = (t: number) => {
    t = (t + 1) % 1;
    return t < 1 / 6 ? p + (q - p) * 6 * t : t < 1 / 2 ? q : t < 2 / 3 ? p + (q - p) * (2 / 3 - t) * 6 : p;
  };
  return [channel(h + 1 / 3), channel(h), channel(h - 1 / 3)];
}

function toHex(rgb: RGB): string {
  return `#${rgb.map((c) => Math.round(c * 255).toString(16).padStart(2, '0')).join('')}`;
}
