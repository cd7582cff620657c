// Apache ECharts, only the parts used (bar and funnel on canvas), bundled: no CDN.

import { BarChart, FunnelChart } from 'echarts/charts';
import { GridComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, FunnelChart, GridComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

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

// One bar per city; ``highlight`` (a label) drawn in the accent colour.
export function barOption({ title, unit, labels, values, highlight }) {
  return {
    textStyle: { fontFamily: FONT },
    title: { text: title, left: 'center', textStyle: { fontSize: 14, fontFamily: FONT } },
    tooltip: { ...TOOLTIP, trigger: 'axis', valueFormatter: (v) => `${v ?? '—'} ${unit}` },
    grid: { left: 56, right: 16, top: 48, bottom: 56 },
    xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: 35 } },
    yAxis: { type: 'value', name: unit },
    series: [
      {
        type: 'bar',
        data: values.map((v, i) => ({
          value: v,
          itemStyle: { color: labels[i] === highlight ? ACCENT : BLUE },
        })),
        label: { show: true, position: 'top', fontSize: 11 },
        barMaxWidth: 36,
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
