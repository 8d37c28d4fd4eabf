// TEMPORARY stand-in for src/charts' renderLineFigure until it lands.
import { escapeHtml } from './html';

export async function renderLineFigure(opts: {
  series: { label: string; color: string; points: { step: number; value: number | null }[] }[];
  metric: string;
  yTitle?: string;
  smooth?: number;
  buckets?: number;
  idPrefix: string;
}): Promise<string> {
  const all = opts.series.flatMap((s) => s.points.filter((p) => p.value !== null)) as { step: number; value: number }[];
  const maxStep = Math.max(1, ...all.map((p) => p.step));
  const lo = Math.min(0, ...all.map((p) => p.value));
  const hi = Math.max(1e-9, ...all.map((p) => p.value));
  const lines = opts.series.map((s) => {
    const every = Math.max(1, Math.floor(s.points.length / 200));
    const pts = s.points
      .filter((p, i) => p.value !== null && i % every === 0)
      .map((p) => `${((p.step / maxStep) * 600 + 20).toFixed(1)},${(280 - ((p.value! - lo) / (hi - lo)) * 260).toFixed(1)}`);
    return `<path class="mark-line" d="M${pts.join('L')}" stroke="${escapeHtml(s.color)}" fill="none"><title>${escapeHtml(s.label)}</title></path>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${opts.idPrefix}-title" viewBox="0 0 640 300" width="640" height="300"><title id="${opts.idPrefix}-title">${escapeHtml(opts.metric)}</title>${lines.join('')}</svg>`;
}
