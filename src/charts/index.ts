export { renderLineFigure, renderFinalMetricFigure, type LineFigureOptions, type FinalMetricFigureOptions } from './figure';
export { meanOfLast10Pct } from './final';
export { lineSpec, type LineSpecInput } from './spec';
export { finalMetricSpec, type FinalMetricSpecInput, type FinalMetricRun } from './final-spec';
export { renderSvg, renderChart, type PlotArea, type RenderOptions } from './render';
export { smooth } from './smooth';
export { downsample } from './downsample';
export { seriesFrom, type MetricPoint, type LineSeries, type Series } from './types';
