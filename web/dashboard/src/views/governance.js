// 数据治理: each city's submission/approval state for the period (department: approve or
// return with a comment, unlock with a reason; city bureau: submit its own, see a return's
// comment), the completeness grid (city × dataset) and the validation findings.

import { h, replace } from '../dom.js';
import { cityName, fmtDateTime, periodLabel, periodName } from '../format.js';
import { busy, card, errorBox, table } from '../ui.js';

const BASE = '/api/reporting/v1';
const STATE_NAMES = { open: '未上报', submitted: '已上报', returned: '已退回', approved: '已审核' };

export function governanceView(ctx) {
  const { who } = ctx;
  const isAdmin = who.role === 'admin';
  const isBureau = who.role === 'city_bureau';
  const root = h('div', { testid: 'governance', class: 'view', data: { state: 'idle' } });
  const scopeLine = h('p', { class: 'hint', testid: 'governance-scope' });
  const approvalsBox = h('div', { testid: 'approvals' });
  const completenessBox = h('div', { testid: 'completeness' });
  const violationsBox = h('div', { testid: 'violations' });
  const actionErrors = h('div', { class: 'errors', testid: 'approval-error' });
  root.append(
    h('h1', {}, '数据治理'),
    scopeLine,
    card('上报与审核', approvalsBox, actionErrors),
    card('数据完整性与及时性', completenessBox),
    card('审核规则检查', violationsBox),
  );

  // Only half-years and years are submitted and approved.
  const approvable = (p) => ['H1', 'H2', 'Y'].includes(p.kind);

  function actions(row, period) {
    const buttons = [];
    const act = (label, verb, body, testid) => {
      const b = h('button', { type: 'button', testid: `${testid}-${row.city}` }, label);
      b.onclick = () =>
        busy(b, '处理中…', async () => {
          replace(actionErrors);
          try {
            const extra = body ? body() : undefined;
            if (body && !extra) return; // the prompt was cancelled
            await ctx.api.post(`${BASE}/approvals/${period}/${row.city}/${verb}`, extra || {});
            ctx.notify(`${cityName(row.city)}：${label}成功`);
            await load();
          } catch (err) {
            replace(actionErrors, errorBox(err));
          }
        });
      buttons.push(b);
    };
    const ask = (question, key) => () => {
      const text = (window.prompt(question) || '').trim();
      return text ? { [key]: text } : null;
    };
    const own = isAdmin || (isBureau && who.city === row.city);
    if (own && (row.state === 'open' || row.state === 'returned')) act('上报', 'submit', null, 'submit');
    if (isAdmin && row.state === 'submitted') {
      act('审核通过', 'approve', null, 'approve');
      act('退回', 'return', ask('退回意见：', 'comment'), 'return');
    }
    if (isAdmin && row.state === 'approved') act('解锁', 'unlock', ask('解锁原因：', 'reason'), 'unlock');
    return h('td', { class: 'buttons' }, buttons);
  }

  async function loadApprovals(period) {
    const rows = await ctx.api.get(`${BASE}/approvals`, { period });
    replace(approvalsBox,
      table(
        'approvals-table',
        ['地市', '状态', '操作人', '时间', '意见/原因', '警告', ''],
        rows.map((r) =>
          h(
            'tr',
            { data: { city: r.city, state: r.state } },
            h('td', {}, r.city_name),
            h('td', { class: `state-${r.state}` }, STATE_NAMES[r.state] || r.state),
            h('td', {}, r.changed_by || ''),
            h('td', {}, r.changed_at ? fmtDateTime(r.changed_at) : ''),
            h('td', { testid: `approval-comment-${r.city}` }, r.comment || ''),
            h('td', {}, r.warnings.length ? `${r.warnings.length} 条` : ''),
            actions(r, period),
          ),
        ),
      ),
    );
  }

  async function loadCompleteness(period) {
    const report = await ctx.api.get(`${BASE}/completeness`, { period });
    const datasets = report.datasets;
    const cities = [...new Set(report.rows.map((r) => r.city))];
    const cell = (city, ds) => {
      const r = report.rows.find((x) => x.city === city && x.dataset === ds.dataset);
      const overdue = r.missing.filter((s) => s.due < report.as_of).map((s) => `${s.slot}（应于${s.due}前）`);
      return h(
        'td',
        { class: r.overdue ? 'overdue' : '', title: overdue.length ? `逾期：${overdue.join('、')}` : '' },
        `${r.received}/${r.expected}`,
        r.late ? ` · 迟报${r.late}` : '',
        r.overdue ? ` · 逾期${r.overdue}` : '',
      );
    };
    const rate = (v) => (v === null || v === undefined ? '—' : `${v}%`);
    replace(completenessBox,
      h('p', { class: 'hint' }, `截至 ${report.as_of}：完整率 ${rate(report.total.completeness_rate)}，及时率 ${rate(report.total.timeliness_rate)}（已收/应收）`),
      table(
        'completeness-grid',
        ['地市', ...datasets.map((d) => d.title)],
        [
          ...cities.map((c) => h('tr', { data: { city: c } }, h('td', {}, cityName(c)), datasets.map((d) => cell(c, d)))),
          h('tr', {}, h('td', {}, '合计'), datasets.map((d) => h('td', {}, `${rate(d.completeness_rate)} / 及时 ${rate(d.timeliness_rate)}`))),
        ],
      ),
    );
  }

  async function loadViolations(period, city) {
    if (!city) {
      replace(violationsBox, h('p', { class: 'hint' }, '请选择一个地市查看审核规则检查结果。'));
      return;
    }
    const v = await ctx.api.get(`${BASE}/validation`, { period, city });
    replace(violationsBox,
      v.violations.length
        ? table(
            'violations-table',
            ['级别', '规则', '说明'],
            v.violations.map((x) =>
              h('tr', {}, h('td', {}, x.importance === 'error' ? '错误' : '警告'), h('td', {}, x.rule), h('td', {}, x.message)),
            ),
          )
        : h('p', { class: 'hint', testid: 'violations-none' }, `${cityName(city)}未发现违反审核规则的数据。`),
    );
  }

  // Loads run one after another: a filter changed twice in a row (year, then half) must
  // not let the first answer land over the second.
  let queue = Promise.resolve();
  function load() {
    root.dataset.state = 'loading';
    queue = queue.then(loadNow, loadNow);
    return queue;
  }

  async function loadNow() {
    const f = ctx.filters();
    const period = periodName(f.period);
    root.dataset.state = 'loading';
    scopeLine.textContent = `统计期：${periodLabel(f.period)} · 范围：${cityName(f.city)}`;
    replace(actionErrors);
    const city = isBureau ? who.city : f.city;
    const parts = [
      [approvalsBox, () => (period && approvable(f.period) ? loadApprovals(period) : Promise.reject(new Error('上报与审核按半年或全年进行，请选择上半年、下半年或全年')))],
      [completenessBox, () => (period ? loadCompleteness(period) : Promise.reject(new Error('请选择一个命名的统计期')))],
      [violationsBox, () => (period ? loadViolations(period, city) : Promise.reject(new Error('请选择一个命名的统计期')))],
    ];
    await Promise.all(
      parts.map(async ([box, task]) => {
        try {
          await task();
        } catch (err) {
          replace(box, errorBox(err));
        }
      }),
    );
    root.dataset.period = period || '';
    root.dataset.state = 'ready';
  }

  return { el: root, load, dispose() {} };
}
