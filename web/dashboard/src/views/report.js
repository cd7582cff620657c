// 报告: every figure of the consolidated report for the chosen period and city, its 同比
// comparison with an up/down mark, the records behind it, and a per-city chart.

import { barOption, mountChart } from '../charts.js';
import { clear, h, option, replace } from '../dom.js';
import {
  CITIES,
  CITY_CODES,
  SECTION_TITLES,
  SERVICE_NAMES,
  cityName,
  comparison,
  fmtNumber,
  periodKey,
  periodQuery,
} from '../format.js';
import { busy, card, errorBox, table } from '../ui.js';

const REPORT = '/api/reporting/v1/reports/consolidated';

export function reportView(ctx) {
  const root = h('div', { testid: 'report', class: 'view', data: { state: 'idle' } });
  const head = h('div', { class: 'report-head' });
  const errors = h('div', { class: 'errors' });
  const body = h('div');
  const chartSelect = h('select', { testid: 'chart-indicator' });
  const chartEl = h('div', { testid: 'city-chart', class: 'chart' });
  const chartNote = h('p', { class: 'hint', testid: 'chart-note' });
  const records = h('div', { testid: 'records-panel', class: 'records', hidden: true });
  const chartCard = card(
    '分城市对比',
    h('label', { class: 'field inline' }, '指标', chartSelect),
    chartNote,
    chartEl,
  );
  root.append(head, errors, body, records, chartCard);

  let chart = null;
  let report = null;
  let regional = null;
  let seq = 0;

  function renderChart() {
    if (!report) return;
    // A city's table is compared against every city: the chart uses the region-wide
    // report when the user may see it, and highlights the chosen city.
    const source = regional || report;
    const row = source.indicators.find((r) => r.code === chartSelect.value);
    chartEl.dataset.indicator = row ? row.code : '';
    if (!row || !row.by_city) {
      chartNote.textContent = '该指标只有全区数据。';
      chart?.chart.clear();
      return;
    }
    // A region-wide report lists the cities with records; the others have none (0).
    const codes = source.city ? [source.city] : CITY_CODES;
    const labels = codes.map((c) => CITIES[c] || c);
    const values = codes.map((c) => {
      const v = row.by_city[c];
      return v === undefined ? 0 : v === null ? null : Number(v);
    });
    chartNote.textContent = source.city
      ? `仅显示${cityName(source.city)}的数据。`
      : report.city
        ? `${cityName(report.city)}以橙色标出；点击柱形可切换城市。`
        : '点击柱形可切换到该市的报告。';
    if (!chart) {
      chart = mountChart(chartEl);
      chart.chart.on('click', (p) => {
        const code = (regional || report).city ? null : CITY_CODES[p.dataIndex];
        if (code && ctx.canChooseCity()) ctx.setCity(code);
      });
    }
    chart.chart.setOption(
      barOption({
        title: `${row.label}（${row.unit}）`,
        unit: row.unit,
        labels,
        values,
        highlight: report.city ? CITIES[report.city] : null,
      }),
      true,
    );
  }
  chartSelect.addEventListener('change', renderChart);

  async function showRecords(row, path) {
    records.hidden = false;
    const list = h('div');
    const close = h('button', { type: 'button', class: 'link', onclick: () => (records.hidden = true) }, '关闭');
    replace(records,
      h('div', { class: 'records-head' }, h('h3', {}, `${row.label} · 明细记录`), close),
      h('p', { class: 'hint' }, `来源：GET ${path}`),
      list,
    );
    let cursor = null;
    const more = h('button', { type: 'button', testid: 'records-more' }, '下一页');
    async function page() {
      const [p, qs] = path.split('?');
      const query = Object.fromEntries(new URLSearchParams(qs || ''));
      try {
        const data = await ctx.api.get(p, { ...query, limit: 50, cursor });
        cursor = data.next_cursor;
        const items = data.items;
        const cols = items.length ? Object.keys(items[0]).slice(0, 8) : [];
        replace(list,
          items.length
            ? table(
                'records-table',
                cols,
                items.map((it) => h('tr', {}, cols.map((c) => h('td', {}, it[c] == null ? '—' : String(it[c]))))),
              )
            : h('p', { class: 'hint' }, '没有记录。'),
          cursor ? more : null,
        );
      } catch (err) {
        replace(list, errorBox(err));
      }
    }
    more.onclick = () => busy(more, '加载中…', page);
    await page();
    records.scrollIntoView({ block: 'nearest' });
  }

  function valueCell(row, v) {
    return [h('span', { class: 'num' }, fmtNumber(v)), v === null || v === undefined ? null : h('span', { class: 'unit' }, row.unit)];
  }

  function render() {
    const r = report;
    replace(head,
      h('h1', { testid: 'report-title' }, r.title),
      h(
        'p',
        { class: 'hint', testid: 'report-scope' },
        `范围：${cityName(r.city)} · 统计期 ${r.from} 至 ${r.to} · 同比 ${r.previous_from} 至 ${r.previous_to}`,
      ),
      h('p', { class: 'legend' }, h('span', { class: 'up' }, '▲ 增长'), h('span', { class: 'down' }, '▼ 下降')),
      r.partial
        ? h(
            'div',
            { class: 'problem', testid: 'report-partial' },
            h('strong', {}, '部分数据缺失：以下服务暂不可用'),
            h('ul', {}, r.missing.map((m) => h('li', {}, `${m.code}（${m.service}）：${m.reason}`))),
          )
        : null,
    );
    const rows = [];
    let section = null;
    for (const row of r.indicators) {
      if (row.section !== section) {
        section = row.section;
        rows.push(h('tr', { class: 'section' }, h('th', { colspan: 6 }, SECTION_TITLES[section] || `第${section}部分`)));
      }
      const cmp = comparison(row);
      const details = row.records
        ? h('button', { type: 'button', class: 'link', testid: 'records-link', onclick: () => showRecords(row, row.records) }, '明细')
        : null;
      rows.push(
        h(
          'tr',
          { testid: 'indicator-row', data: { code: row.code } },
          h('td', { class: 'label', title: row.definition }, row.label, row.region_only ? h('span', { class: 'tag' }, '全区') : null),
          h('td', { class: 'value', testid: 'indicator-value' }, valueCell(row, row.value)),
          h('td', { class: 'value', testid: 'indicator-previous' }, valueCell(row, row.previous)),
          h(
            'td',
            { class: `change ${cmp.dir}`, testid: 'indicator-change', data: { dir: cmp.dir } },
            cmp.mark ? h('span', { class: 'mark' }, cmp.mark) : null,
            cmp.text,
          ),
          h('td', {}, SERVICE_NAMES[row.service] || row.service),
          h('td', {}, details),
        ),
      );
    }
    replace(body,
      card(null, table('report-table', ['指标', '本期', '上年同期', '同比', '来源', '明细'], rows, { class: 'grid report' })),
    );
    const previous = chartSelect.value;
    const charted = (regional || r).indicators.filter((row) => row.by_city);
    clear(chartSelect).append(...charted.map((row) => option(row.code, `${row.label}（${row.unit}）`)));
    if (charted.some((row) => row.code === previous)) chartSelect.value = previous;
    renderChart();
  }

  async function load() {
    const f = ctx.filters();
    const mine = ++seq;
    root.dataset.state = 'loading';
    replace(errors);
    records.hidden = true;
    try {
      const query = periodQuery(f.period);
      const [data, region] = await Promise.all([
        ctx.api.get(REPORT, { ...query, city: f.city }),
        f.city && ctx.canChooseCity() ? ctx.api.get(REPORT, query) : null,
      ]);
      if (mine !== seq) return;
      report = data;
      regional = region;
      render();
      root.dataset.period = periodKey(f.period);
      root.dataset.city = data.city || 'all';
      root.dataset.state = 'ready';
    } catch (err) {
      if (mine !== seq) return;
      report = null;
      regional = null;
      replace(head, h('h1', {}, '报告'));
      replace(body);
      replace(errors, errorBox(err));
      root.dataset.state = 'error';
    }
  }

  return {
    el: root,
    load,
    dispose: () => chart?.dispose(),
  };
}
