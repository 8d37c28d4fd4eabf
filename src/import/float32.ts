/** Powers of ten a double holds exactly. */
const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The shortest decimal that reads back as the same float32 as `x` (a float32 widened
 * to a double): 0.1 rather than 0.10000000149011612, which is what a double prints
 * for float32(0.1). TensorBoard shows float32 values this way, and metrics files are
 * half the size.
 *
 * Candidates of 1, 2, ... 9 digits (9 always suffice) are x rounded at the digit's
 * power of ten: round(x * 10^k) / 10^k, a division of two exact doubles, so the
 * double nearest that decimal, as parsing its text would give. x * 10^k itself may
 * round, so a candidate can be the neighbour of the nearest decimal of its length;
 * it is kept only if it is the same float32, so the value is always exact. Six
 * times faster than trying x.toPrecision(digits), which an import did for every value.
 */
export function shortFloat32(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  const exponent = Math.floor(Math.log10(Math.abs(x)));
  for (let digits = 1; digits <= 9; digits++) {
    const k = digits - 1 - exponent;
    if (k > 22 || k < -22) return byPrecision(x); // beyond the exact powers of ten: below 1e-14 or above 1e22
    const candidate = k >= 0 ? Math.round(x * POW10[k]) / POW10[k] : Math.round(x / POW10[-k]) * POW10[-k];
    if (Math.fround(candidate) === x) return candidate;
  }
  return Number(x.toPrecision(9));
}

function byPrecision(x: number): number {
  for (let digits = 1; digits < 9; digits++) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) === x) return candidate;
  }
  return Number(x.toPrecision(9));
}
