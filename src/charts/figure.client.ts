// The reader's hands on a figure, as progressive enhancement over the static
// SVGs (figure.ts): hover or tap shows the values under the pointer; on line
// figures, a legend click hides a run (double-click, or Alt/Shift-click, shows
// it alone; from the keyboard Enter or Space, and Shift+Enter), a slider
// smooths, a checkbox turns the y axis logarithmic.
//
// Controls redraw the plot from the figure's data: ~300 binned means per line
// (figure.ts; columns.ts), through the plot's own scales, drawn over the
// hidden vega marks; back at the figure's own settings vega's drawing returns.
// A log scale draws its own y ticks. The data is not in the page (it weighed a
// fifth of a report): it is fetched from the figure's data-src when a pointer,
// a finger or the keyboard first reaches the figure, or a control is used.
// Budget: this file is ~4 KB gzipped (see README).
import { bandOpacity } from './band';
import { decodeColumn } from './columns';
import { smoothingNote } from './smoothing-note';
import type { FinalFigureData, LineFigureData, ParallelFigureData, ScatterFigureData } from './figure';
import type { PlotArea } from './render';
import type { FigureSize } from './theme';

type Num = number | null;
type Range = [number, number] | null;
interface Drawing {
  svg: SVGSVGElement;
  size: FigureSize;
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const darkScheme = matchMedia('(prefers-color-scheme: dark)');

for (const chart of document.querySelectorAll<HTMLElement>('[data-chart][data-src]')) {
  const src = chart.dataset.src!;
  let data: Promise<unknown> | undefined;
  const load = () =>
    (data ??= fetch(src).then((response) => {
      if (!response.ok) throw new Error(`${src}: HTTP ${response.status}`);
      return response.json();
    }));
  for (const type of ['pointerenter', 'touchstart', 'focusin']) chart.addEventListener(type, () => void load(), { once: true, passive: true });
  const drawings = [...chart.querySelectorAll<SVGSVGElement>('svg.marks')].map((svg): Drawing => ({ svg, size: svg.classList.contains('chart-narrow') ? 'narrow' : 'wide' }));
  if (getComputedStyle(chart).position === 'static') chart.style.position = 'relative';
  const tip = document.createElement('div');
  tip.className = 'chart-tip';
  if (chart.dataset.chart === 'line') lineFigure(chart, load as () => Promise<LineFigureData>, drawings, tip);
  else finalFigure(chart, load as () => Promise<FinalFigureData | ScatterFigureData | ParallelFigureData>, drawings, tip);
}

/**
 * Calls `show` with the data and the pointer's place in SVG units on hover,
 * on a tap and while a finger drags sideways (touch-action: pan-y keeps
 * vertical scrolling); `hide` when a mouse leaves or a tap lands elsewhere.
 * While the data loads only the latest pointer event waits for it, and
 * leaving cancels it.
 */
function onPointer<T>(chart: HTMLElement, drawings: Drawing[], load: () => Promise<T>, show: (data: T, d: Drawing, x: number, y: number) => boolean, hide: () => void) {
  let latest = 0;
  const cancel = () => {
    latest++;
    hide();
  };
  for (const d of drawings) {
    d.svg.style.touchAction = 'pan-y';
    const handler = (event: PointerEvent) => {
      const box = d.svg.getBoundingClientRect();
      const scale = d.svg.viewBox.baseVal.width / box.width;
      const [x, y] = [(event.clientX - box.left) * scale, (event.clientY - box.top) * scale];
      const ticket = ++latest;
      void load().then((data) => ticket === latest && !show(data, d, x, y) && hide());
    };
    d.svg.addEventListener('pointermove', handler);
    d.svg.addEventListener('pointerdown', handler);
    d.svg.addEventListener('pointerleave', (event) => event.pointerType !== 'touch' && cancel());
  }
  document.addEventListener('pointerdown', (event) => !chart.contains(event.target as Node) && cancel());
}

/**
 * Puts the tip beside `x` (SVG units) of the drawing: to its right, or to its
 * left near the right edge or where it would cover the legend (which the
 * reader may be reaching for), else below the legend.
 */
function place(chart: HTMLElement, d: Drawing, tip: HTMLElement, x: number, y: number) {
  chart.append(tip);
  const box = d.svg.getBoundingClientRect();
  const chartBox = chart.getBoundingClientRect();
  const scale = d.svg.viewBox.baseVal.width / box.width;
  const [width, height] = [tip.offsetWidth, tip.offsetHeight];
  const legend = d.svg.querySelector('.role-legend')?.getBoundingClientRect();
  const covers = (left: number, top: number) =>
    !!legend && left < legend.right - chartBox.left && left + width > legend.left - chartBox.left && top < legend.bottom - chartBox.top && top + height > legend.top - chartBox.top;
  const at = box.left - chartBox.left + x / scale;
  let top = box.top - chartBox.top + y / scale;
  let left = at + 12;
  if (left + width > box.right - chartBox.left || covers(left, top)) left = Math.max(0, at - 12 - width);
  if (covers(left, top)) top = legend!.bottom - chartBox.top + 4;
  tip.style.left = `${left}px`;
  tip.style.top = `${top}px`;
}

function row(label: string, value?: string, color?: string) {
  const div = document.createElement('div');
  if (color) {
    const swatch = document.createElement('span');
    swatch.className = 'chart-swatch';
    swatch.style.background = color;
    div.append(swatch);
  }
  div.append(label);
  if (value !== undefined) {
    const b = document.createElement('b');
    b.textContent = value;
    div.append(b);
  }
  return div;
}

function svgEl(name: string, attributes: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG_NS, name);
  for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, String(v));
  return el;
}

const show = (value: Num, range?: Range) => (value === null ? '–' : range ? `${value} (${range[0]}–${range[1]})` : String(value));

/** TensorBoard's debiased EMA over the samples (null passes through and does not count). */
function ema(values: Num[], weight: number): Num[] {
  let last = 0;
  let n = 0;
  return values.map((v) => {
    if (v === null || weight === 0) return v;
    last = last * weight + (1 - weight) * v;
    return last / (1 - weight ** ++n);
  });
}

const round = (v: Num) => (v === null ? null : Number(v.toPrecision(4)));

/** ::final's points, ::scatter's end points (which name their x and y) and ::parallel's ends on its metric axes (the tip gives the line's every end). */
function finalFigure(chart: HTMLElement, load: () => Promise<FinalFigureData | ScatterFigureData | ParallelFigureData>, drawings: Drawing[], tip: HTMLElement) {
  const ring = svgEl('circle', { r: 9, fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'pointer-events': 'none' });
  onPointer(
    chart,
    drawings,
    load,
    (data, d, x, y) => {
      const sweeps = new Set(data.points.map((p) => p.sweep)).size;
      let best = -1;
      let bestDistance = 30;
      data.points.forEach((p, i) => {
        const [px, py] = p.at[d.size];
        const distance = Math.hypot(px - x, py - y);
        if (distance < bestDistance) [best, bestDistance] = [i, distance];
      });
      if (best < 0) return false;
      const p = data.points[best];
      const [px, py] = p.at[d.size];
      const name = p.label + (sweeps > 1 ? ` · ${p.sweep}` : '');
      const color = darkScheme.matches ? p.dark : p.color;
      ring.setAttribute('cx', String(px));
      ring.setAttribute('cy', String(py));
      d.svg.append(ring);
      if (data.kind === 'parallel') tip.replaceChildren(row(p.label, undefined, color), ...data.points.filter((q) => q.label === p.label).map((q) => row(q.sweep, show(q.value, q.range))));
      else if (data.kind === 'scatter' && 'x' in p) tip.replaceChildren(row(name, undefined, color), row(data.titles.x, show(p.x.value, p.x.range)), row(data.titles.y, show(p.value, p.range)));
      else tip.replaceChildren(row(name, show(p.value, p.range), color));
      place(chart, d, tip, px, py);
      return true;
    },
    () => {
      ring.remove();
      tip.remove();
    },
  );
}

/** A line figure's data, decoded: steps, and each series' unsmoothed means (and seed ranges) at them. */
interface Lines {
  plots: LineFigureData['plots'];
  stride: number;
  steps: number[];
  series: { label: string; color: string; dark: string; raw: Num[]; low?: Num[]; high?: Num[] }[];
}

function lineFigure(chart: HTMLElement, load: () => Promise<LineFigureData>, drawings: Drawing[], tip: HTMLElement) {
  let decoded: Promise<Lines> | undefined;
  const lines = () =>
    (decoded ??= load().then((data) => {
      const column = (values: Num[] | undefined) => values && decodeColumn(values, data.exponent);
      const series = data.series.map((s) => ({ ...s, raw: column(s.raw)!, low: column(s.low), high: column(s.high) }));
      return { plots: data.plots, stride: data.stride, steps: decodeColumn(data.steps, 0) as number[], series };
    }));
  // what the controls need before the data: the figure's smoothing, and whether a log scale can show every value
  const smooth = Number(chart.dataset.smooth ?? 0);
  const canLog = chart.dataset.log !== undefined;
  const state = { hidden: new Set<number>(), smooth, log: false };
  const atDefault = () => state.smooth === smooth && !state.log;

  /** Each series' values and ranges at `steps` as now drawn. */
  const current = ({ series, stride }: Lines) =>
    series.map((s) => {
      const weight = state.smooth ** stride;
      const lows = s.low && ema(s.low, weight);
      const highs = s.high && ema(s.high, weight);
      return {
        values: ema(s.raw, weight).map(round),
        ranges: lows && highs ? lows.map((low, i): Range => (low === null || highs[i] === null ? null : [round(low)!, round(highs[i])!])) : undefined,
      };
    });

  // Hover: a rule at the nearest sampled step and every shown series' value there.
  const rule = svgEl('line', { stroke: 'currentColor', 'stroke-opacity': 0.5, 'pointer-events': 'none' });
  const xOf = (plot: PlotArea, step: number) => plot.left + ((step - plot.xDomain[0]) / (plot.xDomain[1] - plot.xDomain[0] || 1)) * plot.width;
  onPointer(
    chart,
    drawings,
    lines,
    (l, d, x) => {
      const plot = l.plots[d.size];
      const { steps } = l;
      if (x < plot.left || x > plot.left + plot.width) return false;
      const step = plot.xDomain[0] + ((x - plot.left) / plot.width) * (plot.xDomain[1] - plot.xDomain[0]);
      let i = 0;
      while (i + 1 < steps.length && Math.abs(steps[i + 1] - step) <= Math.abs(steps[i] - step)) i++;
      const at = xOf(plot, steps[i]);
      for (const [k, v] of Object.entries({ x1: at, x2: at, y1: plot.top, y2: plot.top + plot.height })) rule.setAttribute(k, String(v));
      d.svg.append(rule);
      const now = current(l);
      tip.replaceChildren(row(`Step ${steps[i].toLocaleString('en')}`));
      l.series.forEach((s, k) => {
        if (!state.hidden.has(k)) tip.append(row(s.label, show(now[k].values[i], now[k].ranges?.[i]), darkScheme.matches ? s.dark : s.color));
      });
      place(chart, d, tip, at, plot.top);
      return true;
    },
    () => {
      rule.remove();
      tip.remove();
    },
  );

  // Each redraw waits for the data; they run in order, so the last state is what stays drawn.
  const redraw = () =>
    void lines().then((l) => {
      const now = current(l);
      for (const d of drawings) draw(l, d, now);
    });

  /** Draws the shown lines over vega's hidden ones, or gives vega's drawing back at the figure's own settings. */
  function draw({ plots, steps, series }: Lines, { svg, size }: Drawing, now: { values: Num[]; ranges?: Range[] }[]) {
    const plot = plots[size];
    svg.querySelector('.chart-client')?.remove();
    const own = !atDefault() || state.hidden.size > 0;
    for (const mark of svg.querySelectorAll<SVGElement>('.mark-line.role-mark, .mark-area.role-mark')) mark.style.display = own ? 'none' : '';
    // vega's y axes (grid and labels) are the axis groups drawn at the plot's top edge
    const yAxes = [...svg.querySelectorAll('.role-axis > g[transform="translate(0.5,0.5)"]')];
    for (const part of yAxes.flatMap((g) => [...g.querySelectorAll<SVGElement>('.role-axis-grid, .role-axis-tick, .role-axis-label')])) part.style.display = state.log ? 'none' : '';
    if (!own) return;

    const group = svgEl('g', { class: 'chart-client', transform: `translate(${plot.left},${plot.top})`, fill: 'none' });
    const shown = series.flatMap((s, k) => (state.hidden.has(k) ? [] : [{ s, ...now[k] }]));
    let [y0, y1] = plot.yDomain;
    let y = (v: number) => plot.height * (1 - (v - y0) / (y1 - y0 || 1));
    if (state.log) {
      const positive = shown.flatMap(({ values, ranges, s }) => [...values, ...(ranges ?? []).flat(), ...(state.smooth > 0 ? s.raw : [])]).filter((v): v is number => v !== null && v > 0);
      [y0, y1] = positive.length ? [Math.min(...positive), Math.max(...positive)] : [1, 10];
      if (y1 / y0 < 1.01) [y0, y1] = [y0 / 1.5, y1 * 1.5];
      const [l0, l1] = [Math.log10(y0), Math.log10(y1)];
      y = (v: number) => plot.height * (1 - (Math.log10(v) - l0) / (l1 - l0));
      for (const tick of logTicks(y0, y1)) {
        group.append(svgEl('line', { x2: plot.width, y1: y(tick), y2: y(tick), stroke: 'currentColor', 'stroke-opacity': 0.12 }));
        const label = svgEl('text', { x: -7, y: y(tick) + 4, 'text-anchor': 'end', fill: 'currentColor', 'font-size': '12px', 'font-family': 'system-ui, sans-serif' });
        label.textContent = tick >= 1000 ? `${tick / 1000}k` : String(tick);
        group.append(label);
      }
    }
    const usable = (v: Num): v is number => v !== null && (!state.log || v > 0);
    const xs = steps.map((step) => xOf(plot, step) - plot.left);
    const path = (values: Num[]) => {
      let d = '';
      let pen = false;
      values.forEach((v, i) => {
        if (!usable(v)) return void (pen = false);
        d += `${pen ? 'L' : 'M'}${xs[i].toFixed(1)},${y(v).toFixed(1)}`;
        pen = true;
      });
      return d;
    };
    const bands = shown.filter((s) => s.ranges).length;
    for (const { s, values, ranges } of shown) {
      if (ranges) {
        // the band: along the highs, back along the lows, a polygon per run of drawable points
        let d = '';
        let run: number[] = [];
        const flush = () => {
          if (run.length) d += `M${run.map((i) => `${xs[i].toFixed(1)},${y(ranges[i]![1]).toFixed(1)}`).join('L')}L${[...run].reverse().map((i) => `${xs[i].toFixed(1)},${y(ranges[i]![0]).toFixed(1)}`).join('L')}Z`;
          run = [];
        };
        ranges.forEach((r, i) => (r && usable(r[0]) && usable(r[1]) ? run.push(i) : flush()));
        flush();
        group.append(svgEl('path', { d, fill: s.color, 'fill-opacity': bandOpacity(bands), stroke: 'none' }));
      } else if (state.smooth > 0) {
        group.append(svgEl('path', { d: path(s.raw), stroke: s.color, 'stroke-width': 1.5, 'stroke-opacity': 0.25 }));
      }
      group.append(svgEl('path', { d: path(values), stroke: s.color, 'stroke-width': 2 }));
    }
    svg.querySelector('.role-legend')?.before(group) ?? svg.append(group);
  }

  // The legend: click hides a series, double-click (or Alt/Shift-click) shows it alone, and again all.
  // From the keyboard each entry is a button: Enter or Space hides, Shift+Enter (or Alt+Enter) solos.
  // A double-click's first click has already toggled: `before` is the state it found.
  const count = legendEntries(drawings[0].svg).length;
  let before = state.hidden;
  const press = (k: number, solo: boolean) => {
    if (solo) {
      const alone = before.size === count - 1 && !before.has(k);
      state.hidden = new Set(alone ? [] : Array.from({ length: count }, (_, i) => i).filter((i) => i !== k));
    } else if (!state.hidden.delete(k)) state.hidden.add(k);
    drawings.forEach(({ svg }) => markLegend(svg));
    redraw();
  };
  /** Fades hidden series' entries (their mark and label, not the box the focus ring draws) and names each by what it does and its label. */
  function markLegend(svg: SVGSVGElement) {
    legendEntries(svg).forEach((entry, k) => {
      (entry.lastElementChild as SVGElement).style.opacity = state.hidden.has(k) ? '0.35' : '';
      entry.setAttribute('aria-label', `${state.hidden.has(k) ? 'Show' : 'Hide'} ${entry.textContent}`);
    });
  }
  for (const { svg } of drawings) {
    // An img's parts are hidden from assistive technology; a group's buttons are not.
    svg.setAttribute('role', 'group');
    legendEntries(svg).forEach((entry, k) => {
      entry.setAttribute('tabindex', '0');
      entry.setAttribute('role', 'button');
      entry.addEventListener('keydown', (event) => {
        if (event.key !== 'Enter' && event.key !== ' ') return;
        event.preventDefault();
        before = new Set(state.hidden);
        press(k, event.shiftKey || event.altKey);
      });
    });
    markLegend(svg);
    svg.addEventListener('click', (event) => {
      const k = legendEntries(svg).findIndex((entry) => entry.contains(event.target as Node));
      if (k < 0) return;
      if (event.detail < 2) before = new Set(state.hidden);
      press(k, event.detail >= 2 || event.altKey || event.shiftKey);
    });
  }

  // Slider and log toggle, under the chart; log only when every value is above zero.
  const controls = document.createElement('div');
  controls.className = 'chart-controls';
  controls.innerHTML =
    '<label>Smoothing <input type="range" min="0" max="0.99" step="0.01"></label> <output></output>' +
    (canLog ? ' <label><input type="checkbox"> Log scale</label>' : '') +
    ' <span>Legend: click or Enter hides, double-click or Shift+Enter solos.</span>';
  const [slider, toggle] = controls.querySelectorAll('input');
  const output = controls.querySelector('output')!;
  slider.value = String(smooth);
  output.textContent = smooth.toFixed(2);
  slider.addEventListener('input', () => {
    state.smooth = Number(slider.value);
    output.textContent = state.smooth.toFixed(2);
    void lines().then(({ series }) => captionNote(chart, smoothingNote(state.smooth, series.some((s) => s.low))));
    redraw();
  });
  toggle?.addEventListener('change', () => {
    state.log = toggle.checked;
    redraw();
  });
  // reaching a control (Tab, a touch) starts the fetch too
  controls.addEventListener('focusin', () => void lines(), { once: true });
  chart.after(controls);
}

/** Rewrites the sentence of the figure's caption that says how its lines are smoothed (added if the build wrote none). */
function captionNote(chart: HTMLElement, text: string) {
  const caption = chart.closest('figure')?.querySelector('figcaption');
  if (!caption) return;
  let note = caption.querySelector('.smoothing-note');
  if (!note) {
    note = document.createElement('span');
    note.className = 'smoothing-note';
    caption.append(' ', note);
  }
  note.textContent = text;
}

/** A line figure's legend entries, one per series in order. */
function legendEntries(svg: SVGSVGElement) {
  return [...svg.querySelectorAll<SVGGElement>('.role-legend-entry .role-scope > g')];
}

/** Ticks of a log axis from lo to hi: powers of ten, or with their 2 and 5 multiples, or all 1–9 multiples, the first giving three. */
function logTicks(lo: number, hi: number): number[] {
  let ticks: number[] = [];
  for (const multiples of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    ticks = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
      for (const m of multiples) {
        const tick = Number((m * 10 ** e).toPrecision(6));
        if (tick >= lo && tick <= hi) ticks.push(tick);
      }
    }
    if (ticks.length >= 3) return ticks;
  }
  // within one step of those: label the ends
  return ticks.length >= 2 ? ticks : [lo, hi].map((v) => Number(v.toPrecision(2)));
}
