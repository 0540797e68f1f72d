import type { Theme } from '../stores/ui.js';

/** Colours the charts use, per theme (ECharts draws on canvas, so CSS variables do not reach it). */
export interface ChartColors {
  text: string;
  muted: string;
  faint: string;
  axis: string;
  split: string;
  tooltipBg: string;
  tooltipBorder: string;
  /** One colour per compared run, distinguishable in both themes. */
  series: string[];
  train: string;
  val: string;
  /** Low → high colour ramp of the heatmaps (perceptually ordered). */
  heat: string[];
}

const SERIES = ['#2f6fed', '#e0662a', '#1f9d6b', '#b5489e', '#c9a227', '#2aa5c0', '#7b61d1', '#d6455d'];

/** The chart colours of `theme`. */
export function chartColors(theme: Theme): ChartColors {
  if (theme === 'dark') {
    return {
      text: '#e3e8f0',
      muted: '#a3adbd',
      faint: '#7c8797',
      axis: '#4a5568',
      split: '#2a3240',
      tooltipBg: '#1c2330',
      tooltipBorder: '#3a4456',
      series: ['#6b9bff', '#ff8a4c', '#3fcf95', '#e07ad0', '#f0c94a', '#5cd0ea', '#a993ff', '#ff6f86'],
      train: '#6b9bff',
      val: '#ff8a4c',
      heat: ['#0d1b3e', '#24458f', '#2f7fc1', '#4fb3b0', '#a6d96a', '#f5e663', '#fdae61', '#f46d43'],
    };
  }
  return {
    text: '#1a2230',
    muted: '#5f6b7c',
    faint: '#8a94a3',
    axis: '#c9cfd9',
    split: '#eef0f4',
    tooltipBg: '#ffffff',
    tooltipBorder: '#dfe3ea',
    series: SERIES,
    train: '#2456d3',
    val: '#e0662a',
    heat: ['#f7fbff', '#d5e5f5', '#9ecae1', '#5ba3cf', '#2b7bba', '#0b559f', '#08306b', '#041e42'],
  };
}
