// Hover values for figures: a vertical rule and each run's value at the step
// under the pointer. Progressive enhancement over the static SVG; reads the JSON
// that figure.ts puts beside it (see hover.ts for its shape).
import type { HoverData } from './hover';

const SVG_NS = 'http://www.w3.org/2000/svg';

for (const chart of document.querySelectorAll<HTMLElement>('[data-chart-hover]')) attach(chart);

function attach(chart: HTMLElement) {
  const svg = chart.querySelector('svg');
  const json = chart.querySelector('script[type="application/json"]');
  if (!svg || !json?.textContent) return;
  const { plot, steps, series }: HoverData = JSON.parse(json.textContent);
  const [x0, x1] = plot.xDomain;
  const xOf = (step: number) => plot.left + ((step - x0) / (x1 - x0 || 1)) * plot.width;

  const rule = document.createElementNS(SVG_NS, 'line');
  for (const [k, v] of Object.entries({ y1: plot.top, y2: plot.top + plot.height, stroke: 'currentColor', 'stroke-opacity': 0.5 }))
    rule.setAttribute(k, String(v));
  rule.style.pointerEvents = 'none';
  const tip = document.createElement('div');
  tip.className = 'chart-tip';
  tip.style.cssText =
    'position:absolute;pointer-events:none;font:12px/1.5 system-ui,sans-serif;padding:4px 8px;' +
    'background:Canvas;color:CanvasText;border:1px solid GrayText;border-radius:4px;white-space:nowrap';
  if (getComputedStyle(chart).position === 'static') chart.style.position = 'relative';

  const hide = () => {
    rule.remove();
    tip.remove();
  };
  svg.addEventListener('pointerleave', hide);
  svg.addEventListener('pointermove', (event) => {
    const box = svg.getBoundingClientRect();
    const scale = svg.viewBox.baseVal.width / box.width;
    const x = (event.clientX - box.left) * scale;
    if (x < plot.left || x > plot.left + plot.width) return hide();
    const step = x0 + ((x - plot.left) / plot.width) * (x1 - x0);
    let i = 0;
    while (i + 1 < steps.length && Math.abs(steps[i + 1] - step) <= Math.abs(steps[i] - step)) i++;

    const ruleX = String(xOf(steps[i]));
    rule.setAttribute('x1', ruleX);
    rule.setAttribute('x2', ruleX);
    svg.append(rule);
    tip.replaceChildren(row(`Step ${steps[i].toLocaleString('en')}`));
    for (const s of series) {
      // several seeds: the mean, and their range
      const range = s.ranges?.[i];
      const value = s.values[i] === null ? '–' : range ? `${s.values[i]} (${range[0]}–${range[1]})` : String(s.values[i]);
      tip.append(row(s.label, value, s.color));
    }
    chart.append(tip);
    const chartBox = chart.getBoundingClientRect();
    const ruleLeft = box.left - chartBox.left + xOf(steps[i]) / scale;
    const flip = ruleLeft + 12 + tip.offsetWidth > box.right - chartBox.left;
    tip.style.left = `${flip ? ruleLeft - 12 - tip.offsetWidth : ruleLeft + 12}px`;
    tip.style.top = `${box.top - chartBox.top + plot.top / scale}px`;
  });
}

function row(label: string, value?: string, color?: string) {
  const div = document.createElement('div');
  if (color) {
    const swatch = document.createElement('span');
    swatch.style.cssText = 'display:inline-block;width:12px;height:3px;margin:0 6px 3px 0';
    swatch.style.background = color;
    div.append(swatch);
  }
  div.append(label);
  if (value !== undefined) {
    const b = document.createElement('b');
    b.style.cssText = 'float:right;margin-left:12px;font-variant-numeric:tabular-nums';
    b.textContent = value;
    div.append(b);
  }
  return div;
}
