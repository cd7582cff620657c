// 报告: every figure of the consolidated report for the chosen period and city, its 同比
// comparison as the documents write it, the records behind it (明细), and the figure's
// distribution and trend. When a service is down the report still comes (allow_partial)
// and says plainly which figures are missing.

import { h, replace } from '../dom.js';
import {
  SECTION_TITLES,
  cityName,
  comparison,
  fmtNumber,
  periodKey,
  periodLabel,
  periodQuery,
} from '../format.js';
import { card, errorBox, table } from '../ui.js';
import { SERVICE_WORDS, reasonWords } from '../words.js';
import { figuresPanel } from './figures.js';
import { recordsPanel } from './records.js';

const REPORT = '/api/reporting/v1/reports/consolidated';

function valueCell(row, v) {
  return [
    h('span', { class: 'num' }, fmtNumber(v)),
    v === null || v === undefined ? null : h('span', { class: 'unit' }, row.unit),
  ];
}

// "人才服务无法连接、企业服务响应超时"
function missingServices(missing) {
  const reasons = new Map();
  for (const m of missing) reasons.set(m.service, reasonWords(m.reason));
  return [...reasons].map(([s, r]) => `${SERVICE_WORDS[s] || s}${r}`).join('、');
}

export function partialBanner(report) {
  if (!report.partial) return null;
  const labels = report.missing.map((m) => m.label || m.code);
  return h(
    'div',
    { class: 'problem partial', testid: 'report-partial', role: 'status' },
    h('strong', {}, `部分数据暂缺：${missingServices(report.missing)}。`),
    h('p', {}, `以下 ${labels.length} 项指标本次未能统计，其余指标照常显示；服务恢复后刷新即可取得完整报告。`),
    h('p', { testid: 'report-missing' }, labels.join('、')),
  );
}

export function reportView(ctx) {
  const root = h('div', { testid: 'report', class: 'view', data: { state: 'idle' } });
  const head = h('div', { class: 'report-head' });
  const errors = h('div', { class: 'errors' });
  const body = h('div');
  const records = recordsPanel(ctx, () => load());
  const figures = figuresPanel(ctx);
  figures.el.hidden = true;
  root.append(head, errors, body, records.el, figures.el);

  let seq = 0;

  function rowsOf(r) {
    // Missing figures keep their place in their section, marked 暂缺.
    const all = [
      ...r.indicators.map((row, i) => ({ row, order: i })),
      ...r.missing.map((m) => ({ missing: m, order: -1 })),
    ];
    const sections = [...new Set([...r.indicators.map((x) => x.section), ...r.missing.map((m) => m.section)])].sort();
    const out = [];
    for (const section of sections) {
      out.push(h('tr', { class: 'section' }, h('th', { colspan: 5 }, SECTION_TITLES[section] || `第${section}部分`)));
      for (const item of all.filter((x) => (x.row || x.missing).section === section)) {
        if (item.missing) {
          const m = item.missing;
          out.push(
            h(
              'tr',
              { testid: 'indicator-row', class: 'missing', data: { code: m.code, missing: 'true' } },
              h('td', { class: 'label' }, m.label || m.code),
              h('td', { class: 'value', colspan: 3, testid: 'indicator-value' }, `暂缺（${SERVICE_WORDS[m.service] || m.service}${reasonWords(m.reason)}）`),
              h('td', {}),
            ),
          );
          continue;
        }
        const row = item.row;
        const cmp = comparison(row);
        // No figure (a region-wide figure under a city's scope), no records behind it.
        const details = row.records && row.value !== null
          ? h('button', { type: 'button', class: 'link', testid: 'records-link', onclick: () => records.show(row, row.records, Boolean(r.city)) }, '明细')
          : null;
        out.push(
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
            h('td', {}, details),
          ),
        );
      }
    }
    return out;
  }

  function render(r) {
    replace(head,
      h('h1', { testid: 'report-title' }, r.title),
      h(
        'p',
        { class: 'hint', testid: 'report-scope' },
        `范围：${cityName(r.city)} · 统计期 ${r.from} 至 ${r.to} · 去年同期 ${r.previous_from} 至 ${r.previous_to}`,
      ),
      h('p', { class: 'legend' }, h('span', { class: 'up' }, '▲ 增长'), h('span', { class: 'down' }, '▼ 下降'), h('span', { class: 'hint' }, '“—”：两期均无数据或无法比较')),
      partialBanner(r),
    );
    replace(body, card(null, table('report-table', ['指标', '本期', '去年同期', '同比', '明细'], rowsOf(r), { class: 'grid report' })));
  }

  async function load() {
    const f = ctx.filters();
    const mine = ++seq;
    root.dataset.state = 'loading';
    replace(errors);
    records.hide();
    // The previous table stays, dimmed, under the spinner: the page never goes blank.
    body.classList.add('stale');
    figures.el.classList.add('stale');
    head.querySelector('.loading-box')?.remove();
    head.append(
      h(
        'div',
        { class: 'loading-box', testid: 'report-loading' },
        h('span', { class: 'spinner' }),
        `正在汇总${periodLabel(f.period)}（${cityName(f.city)}）各服务的数据…`,
      ),
    );
    try {
      const query = { ...periodQuery(f.period), allow_partial: 'true' };
      const [data, region] = await Promise.all([
        ctx.api.get(REPORT, { ...query, city: f.city }),
        f.city && ctx.canChooseCity() ? ctx.api.get(REPORT, query) : null,
      ]);
      if (mine !== seq) return;
      render(data);
      figures.el.hidden = false;
      figures.update(data, region, f.period);
      root.dataset.period = periodKey(f.period);
      root.dataset.city = data.city || 'all';
      root.dataset.partial = String(Boolean(data.partial));
      root.dataset.state = 'ready';
    } catch (err) {
      if (mine !== seq) return;
      replace(head, h('h1', {}, '报告'));
      replace(body);
      figures.el.hidden = true;
      replace(errors, errorBox(err));
      root.dataset.state = 'error';
    } finally {
      if (mine === seq) {
        body.classList.remove('stale');
        figures.el.classList.remove('stale');
      }
    }
  }

  return {
    el: root,
    load,
    dispose: () => figures.dispose(),
  };
}
