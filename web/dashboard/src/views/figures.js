// 分布与走势: the chosen figure on a map of the 14 cities, its trend over the last six
// half-years beside it (GET …/reports/trend, one call per figure), and a bar per city
// below. Cities without records show 无数据, never 0.

import {
  NO_DATA,
  barOption,
  loadGuangxi,
  mapOption,
  mountChart,
  trendOption,
} from '../charts.js';
import { clear, h, option, replace } from '../dom.js';
import { CITIES, CITY_CODES, cityName, lastSixHalfYears } from '../format.js';
import { card, errorBox } from '../ui.js';
import { SERVICE_WORDS, reasonWords } from '../words.js';

const TREND = '/api/reporting/v1/reports/trend';

// A figure's per-city values as numbers: null where a city has no records.
export function cityValues(row, codes) {
  return codes.map((c) => {
    const v = row.by_city ? row.by_city[c] : undefined;
    return v === undefined || v === null ? null : Number(v);
  });
}

// A figure a stopped service could not give, as a row the panel can still choose.
const missingRow = (m) => ({ ...m, label: m.label || m.code, unit: '', by_city: null, missing: true });

export function figuresPanel(ctx) {
  const select = h('select', { testid: 'chart-indicator' });
  const mapEl = h('div', { testid: 'city-map', class: 'chart map' });
  const trendEl = h('div', { testid: 'trend-chart', class: 'chart' });
  const barEl = h('div', { testid: 'city-chart', class: 'chart' });
  const note = h('p', { class: 'hint', testid: 'chart-note' });
  const mapNote = h('div', { class: 'chart-state', testid: 'map-state' });
  const trendNote = h('div', { class: 'chart-state', testid: 'trend-state' });
  const el = card(
    '分布与走势',
    h('label', { class: 'field inline' }, '指标', select),
    note,
    h('div', { class: 'two charts' }, h('div', { class: 'chart-box' }, mapNote, mapEl), h('div', { class: 'chart-box' }, trendNote, trendEl)),
    barEl,
  );
  el.dataset.testid = 'figures';

  let map = null;
  let trend = null;
  let bar = null;
  let state = null; // { report, regional, period }
  let seq = 0;
  const trends = new Map();

  function loading(box, text) {
    replace(box, h('span', { class: 'spinner' }), text);
    box.hidden = false;
  }

  function renderBar(row, source) {
    const codes = source.city ? [source.city] : CITY_CODES;
    barEl.dataset.indicator = row.code;
    // One city's own report: a single bar says nothing the map and table do not.
    if (!row.by_city || source.city) {
      bar?.chart.clear();
      barEl.hidden = true;
      return;
    }
    barEl.hidden = false;
    bar = bar || mountChart(barEl);
    if (!bar.clickable) {
      bar.clickable = true;
      bar.chart.on('click', (p) => {
        const code = state && !(state.regional || state.report).city ? CITY_CODES[p.dataIndex] : null;
        if (code && ctx.canChooseCity()) ctx.setCity(code);
      });
    }
    bar.chart.setOption(
      barOption({
        title: `${row.label}（${row.unit}）· 分城市`,
        unit: row.unit,
        labels: codes.map((c) => CITIES[c] || c),
        values: cityValues(row, codes),
        highlight: state.report.city ? CITIES[state.report.city] : null,
      }),
      true,
    );
  }

  async function renderMap(row, source, mine) {
    mapEl.dataset.indicator = row.code;
    if (row.missing) {
      map?.chart.clear();
      replace(mapNote, `该指标暂缺：${SERVICE_WORDS[row.service] || row.service}${reasonWords(row.reason)}。`);
      mapNote.hidden = false;
      mapEl.dataset.state = 'missing';
      return;
    }
    if (!row.by_city) {
      map?.chart.clear();
      replace(mapNote, '该指标只统计全区数，不分城市。');
      mapNote.hidden = false;
      mapEl.dataset.state = 'region-only';
      return;
    }
    loading(mapNote, '正在加载地图…');
    try {
      await loadGuangxi();
    } catch (err) {
      if (mine === seq) replace(mapNote, errorBox(err));
      mapEl.dataset.state = 'error';
      return;
    }
    if (mine !== seq) return;
    const visible = source.city ? [source.city] : CITY_CODES;
    const values = {};
    for (const c of CITY_CODES) values[CITIES[c]] = null;
    cityValues(row, visible).forEach((v, i) => (values[CITIES[visible[i]]] = v));
    map = map || mountChart(mapEl);
    map.chart.setOption(
      mapOption({
        title: `${row.label}（${row.unit}）`,
        unit: row.unit,
        values,
        highlight: state.report.city ? CITIES[state.report.city] : null,
      }),
      true,
    );
    if (!map.clickable) {
      map.clickable = true;
      map.chart.on('click', (p) => {
        const code = CITY_CODES.find((c) => CITIES[c] === p.name);
        if (code && ctx.canChooseCity()) ctx.setCity(code);
      });
    }
    const none = CITY_CODES.filter((c) => values[CITIES[c]] === null).map((c) => CITIES[c]);
    mapEl.dataset.noData = none.join(',');
    mapNote.hidden = true;
    mapEl.dataset.state = 'ready';
  }

  async function renderTrend(row, mine) {
    const [from, to] = lastSixHalfYears(state.period);
    const city = state.report.city || '';
    const key = `${row.code}|${city}|${from}|${to}`;
    trendEl.dataset.indicator = row.code;
    trendEl.dataset.state = 'loading';
    loading(trendNote, '正在加载走势…');
    try {
      if (!trends.has(key)) {
        const pending = ctx.api.get(TREND, { code: row.code, from, to, city });
        trends.set(key, pending);
        pending.catch(() => trends.delete(key));
      }
      const t = await trends.get(key);
      if (mine !== seq) return;
      trend = trend || mountChart(trendEl);
      trend.chart.setOption(
        trendOption({
          title: `近六个半年走势（${cityName(t.city)}）`,
          unit: t.unit,
          labels: t.points.map((p) => p.title),
          values: t.points.map((p) => (p.value === null ? null : Number(p.value))),
        }),
        true,
      );
      trendEl.dataset.points = t.points.map((p) => `${p.period}=${p.value ?? ''}`).join(';');
      trendNote.hidden = true;
      trendEl.dataset.state = 'ready';
    } catch (err) {
      if (mine !== seq) return;
      trend?.chart.clear();
      const service = err?.problem?.service;
      replace(
        trendNote,
        service
          ? h('div', { class: 'problem partial', testid: 'trend-missing' }, `走势暂缺：${SERVICE_WORDS[service] || service}${reasonWords(err.problem.reasons?.[service])}，恢复后刷新即可。`)
          : errorBox(err),
      );
      trendEl.dataset.state = 'error';
    }
  }

  function render() {
    if (!state) return;
    const mine = ++seq;
    const source = state.regional || state.report;
    const row =
      source.indicators.find((r) => r.code === select.value) ||
      source.missing.map(missingRow).find((r) => r.code === select.value);
    if (!row) return;
    note.textContent = source.city
      ? `仅显示${cityName(source.city)}的数据；其他城市显示“${NO_DATA}”。`
      : state.report.city
        ? `${cityName(state.report.city)}以橙色标出；点击地图或柱形可切换城市。`
        : `颜色越深数值越大；灰色为${NO_DATA}。点击地图或柱形可切换到该市的报告。`;
    renderBar(row, source);
    renderMap(row, source, mine);
    renderTrend(row, mine);
  }
  select.addEventListener('change', render);

  return {
    el,
    // A new report: keep the chosen figure if it is still there.
    update(report, regional, period) {
      state = { report, regional, period };
      const previous = select.value;
      const source = regional || report;
      // Figures a stopped service could not give stay choosable: their trend may say why.
      const rows = [
        ...source.indicators,
        ...source.missing.map(missingRow),
      ];
      clear(select).append(
        ...rows.map((row) => option(row.code, row.missing ? `${row.label}（暂缺）` : `${row.label}（${row.unit}）`)),
      );
      const first = rows.find((r) => r.by_city) || rows.find((r) => !r.missing) || rows[0];
      select.value = rows.some((r) => r.code === previous) ? previous : first ? first.code : '';
      render();
    },
    dispose() {
      for (const c of [map, trend, bar]) c?.dispose();
    },
  };
}
