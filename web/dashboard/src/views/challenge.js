// 揭榜挂帅: the challenge-list pipeline from the projects API — how many demands are at
// each stage now, how many ever reached each stage (funnel), and the current 榜单.

import { barOption, funnelOption, mountChart } from '../charts.js';
import { h, replace } from '../dom.js';
import { cityName, fmtNumber, periodLabel, periodRange } from '../format.js';
import { card, errorBox, table } from '../ui.js';
import { REVIEW_TEXT } from '../words.js';
import { REVIEW_ROLES, reviewPanel } from './challenge_review.js';

const DEMANDS = '/api/projects/v1/challenge-demands';
const LIST = '/api/projects/v1/challenge-list';

// The workflow (projects challenge/workflow.py), in order; the last four close a demand.
export const STAGES = [
  ['submitted', '需求征集'],
  ['under_review', '论证遴选'],
  ['listed', '张榜'],
  ['claimed', '揭榜'],
  ['contracted', '立项'],
  ['accepted', '验收'],
  ['rejected', '未通过'],
  ['terminated', '终止'],
  ['withdrawn', '撤回'],
];

export function pipeline(demands) {
  const byStatus = Object.fromEntries(STAGES.map(([s]) => [s, 0]));
  for (const d of demands) byStatus[d.status] = (byStatus[d.status] || 0) + 1;
  // Reached a stage: its date is set (a demand keeps it when it moves on or closes).
  const reached = [
    ['征集', demands.length],
    ['张榜', demands.filter((d) => d.listed_on).length],
    ['揭榜', demands.filter((d) => d.claimed_on).length],
    ['立项', demands.filter((d) => d.contracted_on).length],
    ['验收', byStatus.accepted],
  ];
  return { byStatus, reached };
}

export function challengeView(ctx) {
  const root = h('div', { testid: 'challenge', class: 'view', data: { state: 'idle' } });
  const scope = h(
    'select',
    { testid: 'challenge-scope' },
    h('option', { value: 'period' }, '统计期内提交的需求'),
    h('option', { value: 'all' }, '全部需求'),
  );
  const title = h('h1', {}, '揭榜挂帅');
  const hint = h('p', { class: 'hint', testid: 'challenge-summary' });
  const errors = h('div', { class: 'errors' });
  const counts = h('div', { class: 'stats', testid: 'challenge-counts' });
  const funnelEl = h('div', { class: 'chart', testid: 'challenge-funnel' });
  const barEl = h('div', { class: 'chart', testid: 'challenge-bar' });
  const charts = h('div', { class: 'two' }, card(null, funnelEl), card(null, barEl));
  const listBox = h('div', { testid: 'challenge-list' });
  const empty = h('p', { class: 'hint', testid: 'challenge-empty', hidden: true }, '所选范围内没有需求，无图表可显示。');
  root.append(
    title,
    h('label', { class: 'field inline' }, '范围', scope),
    hint,
    errors,
    card('各环节需求数（当前状态）', counts),
    empty,
    charts,
    card('当前榜单（张榜中）', listBox),
  );
  // 论证遴选: the review rounds' progress, for the roles that may read it.
  const review = REVIEW_ROLES.includes(ctx.who.role) ? reviewPanel(ctx) : null;
  if (review) root.append(card(REVIEW_TEXT.rounds, review.el));
  let funnel = null;
  let bar = null;
  let seq = 0;

  async function load() {
    review?.load();
    const f = ctx.filters();
    const mine = ++seq;
    root.dataset.state = 'loading';
    replace(errors);
    const query = { city: f.city };
    if (scope.value === 'period') {
      [query.submitted_from, query.submitted_to] = periodRange(f.period);
    }
    try {
      const [demands, listed] = await Promise.all([
        ctx.api.all(DEMANDS, query),
        ctx.api.get(LIST, { city: f.city, limit: 20 }),
      ]);
      if (mine !== seq) return;
      const { byStatus, reached } = pipeline(demands.items);
      const where = scope.value === 'period' ? `${periodLabel(f.period)}提交` : '全部时间';
      hint.textContent =
        `${cityName(f.city)} · ${where} · 共 ${fmtNumber(demands.items.length)} 项需求` +
        (demands.truncated ? '（数据过多，仅统计前 20,000 项）' : '');
      replace(counts,
        ...STAGES.map(([s, label]) =>
          h(
            'div',
            { class: 'stat', testid: 'challenge-count', data: { status: s } },
            h('span', { class: 'stat-label' }, label),
            h('span', { class: 'stat-value' }, fmtNumber(byStatus[s])),
          ),
        ),
      );
      // An empty funnel is a meaningless shape: say there is nothing instead.
      charts.hidden = demands.items.length === 0;
      empty.hidden = demands.items.length > 0;
      funnel = funnel || mountChart(funnelEl);
      funnel.chart.setOption(
        funnelOption({
          title: '流程漏斗（到达各环节的需求）',
          stages: reached.map(([name, value]) => ({ name, value })),
        }),
        true,
      );
      bar = bar || mountChart(barEl);
      bar.chart.setOption(
        barOption({
          title: '当前所处环节',
          unit: '项',
          labels: STAGES.map(([, label]) => label),
          values: STAGES.map(([s]) => byStatus[s]),
        }),
        true,
      );
      replace(listBox,
        listed.items.length
          ? table(
              'challenge-list-table',
              ['需求', '发榜单位', '城市', '领域', '榜额（元）', '截止日期'],
              listed.items.map((d) =>
                h(
                  'tr',
                  {},
                  h('td', {}, d.title),
                  h('td', {}, d.organisation_name),
                  h('td', {}, cityName(d.city)),
                  h('td', {}, d.field),
                  h('td', { class: 'value' }, fmtNumber(d.reward_amount)),
                  h('td', {}, d.deadline || '—'),
                ),
              ),
            )
          : h('p', { class: 'hint' }, '榜单上暂无需求。'),
      );
      root.dataset.state = 'ready';
      root.dataset.total = String(demands.items.length);
    } catch (err) {
      if (mine !== seq) return;
      replace(errors, errorBox(err));
      root.dataset.state = 'error';
    }
  }
  scope.addEventListener('change', load);

  return {
    el: root,
    load,
    dispose() {
      funnel?.dispose();
      bar?.dispose();
    },
  };
}
