// How a line figure's hover data is written into the page (figure.ts) and
// read back by the client (figure.client.ts), which imports this file alone:
// each column of numbers as whole multiples of 10 ** exponent, each written as
// its difference from the one before. A noisy metric's means then take 2 to 4
// characters each where their decimals took 6 to 8.

/** The exponent whose power of ten splits a span into 1,000 to 10,000 steps: finer than the plot's pixels. */
export function exponentFor(lo: number, hi: number): number {
  const span = Math.abs(hi - lo) || Math.abs(hi) || 1;
  return Math.floor(Math.log10(span)) - 3;
}

/** Values as differences of whole multiples of 10 ** exponent; null stays null (the next difference is from the last number). */
export function encodeColumn(values: readonly (number | null)[], exponent: number): (number | null)[] {
  let last = 0;
  return values.map((value) => {
    if (value === null) return null;
    const whole = Math.round(exponent < 0 ? value * 10 ** -exponent : value / 10 ** exponent);
    const difference = whole - last;
    last = whole;
    return difference;
  });
}

/** encodeColumn undone. */
export function decodeColumn(differences: readonly (number | null)[], exponent: number): (number | null)[] {
  let whole = 0;
  return differences.map((difference) => {
    if (difference === null) return null;
    whole += difference;
    // dividing by an exact power of ten gives the closest number to the decimal (0.3, not 0.30000000000000004)
    return exponent < 0 ? whole / 10 ** -exponent : whole * 10 ** exponent;
  });
}
