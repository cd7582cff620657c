// Apache ECharts, only the parts used (bar, funnel, line and map on canvas), bundled: no
// CDN. The map's city outlines are a build asset (geo.mjs), fetched on first use.

import { BarChart, FunnelChart, LineChart, MapChart } from 'echarts/charts';
import {
  GridComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([
  BarChart,
  FunnelChart,
  LineChart,
  MapChart,
  GridComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

/* global __GUANGXI_GEOJSON__ */
const GEOJSON = typeof __GUANGXI_GEOJSON__ === 'string' ? __GUANGXI_GEOJSON__ : '';
export const NO_DATA = '无数据';

const FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';
// Tooltips drawn on the canvas (richText), not as HTML with inline styles: the page's
// Content-Security-Policy allows no inline style.
const TOOLTIP = { renderMode: 'richText', confine: true };
const BLUE = '#1f5fa8';
const ACCENT = '#d4380d';

export function mountChart(el) {
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  const resize = new ResizeObserver(() => chart.resize());
  resize.observe(el);
  return {
    chart,
    dispose() {
      resize.disconnect();
      chart.dispose();
    },
  };
}

// Units counted in whole things (项, 家, 人…): their axes step by whole numbers.
export function countUnit(unit) {
  return !['万元', '亿元', '%'].includes(unit);
}

const valueText = (v, unit) => (v === null || v === undefined || Number.isNaN(v) ? NO_DATA : `${v} ${unit}`);

// One bar per city; ``highlight`` (a label) drawn in the accent colour; a city without
// data (null) is labelled 无数据 rather than drawn as 0.
export function barOption({ title, unit, labels, values, highlight }) {
  return {
    textStyle: { fontFamily: FONT },
    title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: (v) => valueText(v, unit) },
    grid: { left: 56, right: 16, top: 48, bottom: 56 },
    xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: 35 } },
    yAxis: { type: 'value', name: unit, minInterval: countUnit(unit) ? 1 : 0 },
    series: [
      {
        type: 'bar',
        data: values.map((v, i) =>
          v === null
            ? { value: 0, label: { show: true, formatter: NO_DATA, color: '#8c96a3' } }
            : { value: v, itemStyle: { color: labels[i] === highlight ? ACCENT : BLUE } },
        ),
        label: { show: true, position: 'top', fontSize: 11 },
        barMaxWidth: 36,
      },
    ],
    animation: false,
  };
}

let guangxi = null;

// Registers the city outlines with ECharts once (a fetch of the build's asset).
export function loadGuangxi() {
  if (!guangxi) {
    guangxi = fetch(GEOJSON, { credentials: 'omit' })
      .then((r) => {
        if (!r.ok) throw new Error(`地图数据加载失败（HTTP ${r.status}）`);
        return r.json();
      })
      .then((geo) => {
        echarts.registerMap('guangxi', geo);
        return geo;
      });
    guangxi.catch(() => (guangxi = null));
  }
  return guangxi;
}

// The 14 cities coloured by ``values`` (name → number, or null for 无数据).
export function mapOption({ title, unit, values, highlight }) {
  const known = Object.values(values).filter((v) => v !== null && v !== undefined);
  const max = Math.max(countUnit(unit) ? 1 : 0.01, ...known);
  return {
    textStyle: { fontFamily: FONT },
    title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
    tooltip: {
      ...TOOLTIP,
      trigger: 'item',
      formatter: (p) => `${p.name}：${valueText(p.value, unit)}`,
    },
    visualMap: {
      type: 'continuous',
      min: 0,
      max,
      left: 8,
      bottom: 8,
      text: ['高', '低'],
      calculable: false,
      precision: countUnit(unit) ? 0 : 2,
      inRange: { color: ['#e3eefa', '#6aa8e4', '#1f5fa8', '#0b2f5e'] },
    },
    series: [
      {
        type: 'map',
        map: 'guangxi',
        roam: false,
        top: 40,
        bottom: 8,
        // Dark text outlined in white: readable on the palest and the darkest city.
        label: { show: true, fontSize: 10, color: '#1d2733', textBorderColor: '#fff', textBorderWidth: 2 },
        itemStyle: { areaColor: '#eceff3', borderColor: '#fff', borderWidth: 1 },
        emphasis: { label: { show: true }, itemStyle: { areaColor: '#ffd591' } },
        select: { disabled: true },
        data: Object.entries(values).map(([name, v]) => ({
          name,
          value: v === null || v === undefined ? NaN : v,
          itemStyle: name === highlight ? { borderColor: ACCENT, borderWidth: 2 } : undefined,
        })),
      },
    ],
    animation: false,
  };
}

// A figure over half-years: ``labels`` (2021年上半年…) and values (null: no figure).
export function trendOption({ title, unit, labels, values }) {
  return {
    textStyle: { fontFamily: FONT },
    title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: (v) => valueText(v, unit) },
    grid: { left: 56, right: 20, top: 48, bottom: 48 },
    xAxis: {
      type: 'category',
      data: labels,
      axisLabel: { interval: 0, formatter: (l) => l.replace('年', '年\n') },
    },
    yAxis: { type: 'value', name: unit, minInterval: countUnit(unit) ? 1 : 0 },
    series: [
      {
        type: 'line',
        data: values,
        connectNulls: false,
        symbolSize: 7,
        lineStyle: { color: BLUE, width: 2 },
        itemStyle: { color: BLUE },
        label: { show: true, position: 'top', fontSize: 11 },
      },
    ],
    animation: false,
  };
}

export function funnelOption({ title, stages }) {
  return {
    textStyle: { fontFamily: FONT },
    title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
    tooltip: { ...TOOLTIP, trigger: 'item', formatter: '{b}：{c} 项' },
    series: [
      {
        type: 'funnel',
        sort: 'none',
        top: 44,
        bottom: 8,
        left: '10%',
        width: '80%',
        min: 0,
        max: Math.max(1, ...stages.map((s) => s.value)),
        minSize: '8%',
        label: { show: true, position: 'inside', formatter: '{b}  {c}', color: '#fff' },
        data: stages,
        color: ['#1f5fa8', '#2f74c0', '#4a8fd6', '#6aa8e4', '#8fc0ef'],
      },
    ],
    animation: false,
  };
}

export { echarts };
