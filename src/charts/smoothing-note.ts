// What a line figure's caption says of its smoothing. The build writes it for
// the figure's own weight and the reader's slider rewrites it, so the caption
// never says "smoothed" of lines the reader has set to be drawn as logged.

/** The caption's sentence at EMA weight `weight`; `seeded`: each value is a mean over seeds. */
export function smoothingNote(weight: number, seeded: boolean): string {
  if (weight <= 0) return 'Not smoothed: the values as logged.';
  const ema = `an EMA of weight ${weight.toFixed(2)}`;
  return seeded ? `Smoothed with ${ema}, each seed before the mean.` : `Smoothed with ${ema}; the values as logged are faint.`;
}
