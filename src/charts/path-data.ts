// A path's data as the site writes it: its points in tenths of a pixel, each
// relative to the one before, less those the line passes within a third of a
// pixel of anyway. render.ts's roundPathData writes vega's paths so, and
// shared-layouts.ts its lines, from their points.

/**
 * How far (in px of the drawing) a line may move when points are dropped: a
 * third of a pixel, which a 1.5 to 2 px line hides, drops a third to half of a
 * noisy line's points and most of a smooth one's.
 */
export const SIMPLIFY_PX = 0.35;
/** How far an area's edge may move (the seeds' band, a 20% fill with no outline): a pixel, which halves its points. */
export const FILL_SIMPLIFY_PX = 1;

/** A whole number of tenths as the shortest decimal: 15 -> "1.5", -5 -> "-.5", 20 -> "2". */
function tenths(n: number): string {
  const size = Math.abs(n);
  const whole = Math.floor(size / 10);
  const tenth = size % 10;
  const text = tenth === 0 ? String(whole) : `${whole === 0 ? '' : whole}.${tenth}`;
  return n < 0 ? `-${text}` : text;
}

/** An M/L(/Z) path as its first point and relative moves, in tenths of a pixel (or whole multiples of `grid` px), simplified (see simplify). */
export function relativePath(d: string, tolerance = SIMPLIFY_PX, grid = 0.1): string {
  const unit = Math.round(grid * 10);
  // each subpath's points in tenths of a pixel, and whether it closes
  const subpaths: Subpath[] = [];
  let points: number[] = [];
  // One pass over the path's commands and numbers (it holds up to a few thousand).
  for (const [, command, number] of d.matchAll(/([MLZ])|(-?(?:\d*\.)?\d+(?:e[-+]?\d+)?)/g)) {
    if (number !== undefined) {
      if (subpaths.length === 0) subpaths.push({ points: (points = []), closed: false });
      points.push(Math.round((Number(number) * 10) / unit) * unit);
    } else if (command === 'Z') {
      if (subpaths.length) subpaths[subpaths.length - 1].closed = true;
    } else if (command === 'M' || subpaths.length === 0) {
      subpaths.push({ points: (points = []), closed: false });
    }
  }
  // a command's unpaired last number is no point
  for (const subpath of subpaths) if (subpath.points.length % 2) subpath.points.pop();
  return pathOf(subpaths, tolerance);
}

/**
 * What relativePath writes for a line vega draws through these points (x0,
 * y0, x1, y1, ... in px of the drawing; at least two), from the points
 * themselves: vega would write each number in full for relativePath to read
 * back (see shared-layouts.ts, which draws lines so).
 */
export function linePath(points: ArrayLike<number>): string {
  const tenths = new Array<number>(points.length);
  // vega (d3-shape) writes a path's numbers to 3 decimals: rounded from those, as relativePath rounds what it reads
  for (let i = 0; i < points.length; i++) tenths[i] = Math.round((Math.round(points[i] * 1000) / 1000) * 10);
  return pathOf([{ points: tenths, closed: false }], SIMPLIFY_PX);
}

interface Subpath {
  /** x0, y0, x1, y1, ... in tenths of a pixel */
  points: number[];
  closed: boolean;
}

/** The subpaths, simplified, as a first point and relative moves. */
function pathOf(subpaths: Subpath[], tolerance: number): string {
  let out = '';
  let [x, y] = [0, 0];
  const pair = (a: number, b: number) => {
    const first = tenths(a);
    const second = tenths(b);
    return `${first}${second.startsWith('-') ? '' : ','}${second}`;
  };
  for (const { points, closed } of subpaths) {
    const kept = simplify(points, tolerance * 10);
    for (let i = 0; i < kept.length; i += 2) {
      const [nx, ny] = [kept[i], kept[i + 1]];
      out += out === '' ? `M${pair(nx, ny)}` : `${i === 0 ? 'm' : 'l'}${pair(nx - x, ny - y)}`;
      [x, y] = [nx, ny];
    }
    if (closed) {
      out += 'z';
      // after z the pen is back at its subpath's start
      [x, y] = [kept[0], kept[1]];
    }
  }
  return out;
}

/**
 * Douglas–Peucker: the points of a polyline (x0, y0, x1, y1, ...) without
 * those within `tolerance` of the segment between the points kept around
 * them. The ends are always kept, so gaps and band outlines stay where they are.
 */
export function simplify(points: number[], tolerance: number): number[] {
  const n = points.length / 2;
  if (n < 3 || tolerance <= 0) return points;
  const keep = new Uint8Array(n);
  keep[0] = keep[n - 1] = 1;
  // segments still to look into, as pairs of point indices (plain numbers: this runs for every line of every figure)
  const stack = [0, n - 1];
  while (stack.length) {
    const b = stack.pop()!;
    const a = stack.pop()!;
    const ax = points[2 * a];
    const ay = points[2 * a + 1];
    const dx = points[2 * b] - ax;
    const dy = points[2 * b + 1] - ay;
    const length = Math.hypot(dx, dy);
    let farthest = -1;
    let most = tolerance;
    for (let i = a + 1; i < b; i++) {
      const px = points[2 * i] - ax;
      const py = points[2 * i + 1] - ay;
      const distance = length > 0 ? Math.abs(dy * px - dx * py) / length : Math.hypot(px, py);
      if (distance > most) {
        farthest = i;
        most = distance;
      }
    }
    if (farthest >= 0) {
      keep[farthest] = 1;
      stack.push(a, farthest, farthest, b);
    }
  }
  const kept: number[] = [];
  for (let i = 0; i < n; i++) if (keep[i]) kept.push(points[2 * i], points[2 * i + 1]);
  return kept;
}
