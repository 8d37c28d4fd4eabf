export { renderLineFigure, renderFinalMetricFigure, type LineFigureOptions, type FinalMetricFigureOptions } from './figure';
export { meanOfLast10Pct } from './final';
export { lineSpec, finalMetricSpec, type LineSpecInput, type FinalMetricSpecInput, type FinalMetricRun } from './spec';
export { renderSvg, renderChart, type PlotArea, type RenderOptions } from './render';
export { smooth } from './smooth';
export { downsample } from './downsample';
export { seriesFrom, type MetricPoint, type LineSeries, type Series } from './types';
