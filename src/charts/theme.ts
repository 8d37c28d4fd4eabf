import type { Config } from 'vega-lite';

/**
 * Vega writes the font on every text element, so keep it short: system-ui is
 * the platform's UI font everywhere current (San Francisco, Segoe UI, Cantarell...).
 */
export const FONT = 'system-ui, sans-serif';

/**
 * Two drawings of each figure, in the same text size: 'wide' fills the
 * desktop column; 'narrow' is a 390 px phone's column (350 px), where the
 * wide drawing would shrink its 12 px text to 6.6 px. The page shows one by
 * a media query (src/styles/site.css).
 */
export const SIZES = {
  wide: { width: 640, height: 300 },
  narrow: { width: 350, height: 280 },
} as const;
export type FigureSize = keyof typeof SIZES;
export const WIDTH = SIZES.wide.width;
export const HEIGHT = SIZES.wide.height;

/**
 * Text, axes and grid are drawn in currentColor, so the inlined SVG follows the
 * page's text color (light or dark mode) with no chart-specific CSS. No
 * background is painted for the same reason. Vega's per-mark ARIA is off: the
 * whole figure is one role="img" with a description (render.ts).
 */
export const theme: Config = {
  background: 'transparent',
  font: FONT,
  aria: false,
  view: { stroke: null },
  axis: {
    labelColor: 'currentColor',
    titleColor: 'currentColor',
    domainColor: 'currentColor',
    domainOpacity: 0.45,
    tickColor: 'currentColor',
    tickOpacity: 0.45,
    gridColor: 'currentColor',
    gridOpacity: 0.12,
    labelFontSize: 12,
    titleFontSize: 13,
    titleFontWeight: 'normal',
    titlePadding: 8,
  },
  legend: {
    labelColor: 'currentColor',
    titleColor: 'currentColor',
    labelFontSize: 12,
    titleFontSize: 13,
    titleFontWeight: 'normal',
    symbolStrokeWidth: 3,
    symbolSize: 160,
    symbolOpacity: 1,
    // a grid's labels name every param ("beta=0.1, lr=0.004"): vega's 160 px cut them to "beta=0.1, lr=0.…"
    labelLimit: 280,
  },
};
