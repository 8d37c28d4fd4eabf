// How opaque a value's band of seeds is drawn. Bands of many values overlap
// (6 values x 4 seeds on one plot): at a fixed 0.2 each, six over one
// another hid 74% of the page under one muddy tan. So the fill thins with the
// number of bands drawn: where every band overlaps, the page still shows
// through at least 1 - MAX_BAND_COVER; one band alone (the reader solos a
// value, figure.client.ts) gets the full 0.2. Kept apart so the browser
// script imports this alone.

/** The most of the page that all of a figure's bands, overlapping, may cover. */
export const MAX_BAND_COVER = 0.4;

/** One band's fill opacity when `bands` are drawn: n of them over one another cover 1 - (1 - opacity)^n <= MAX_BAND_COVER. */
export function bandOpacity(bands: number): number {
  return Math.min(0.2, 1 - (1 - MAX_BAND_COVER) ** (1 / Math.max(1, bands)));
}
