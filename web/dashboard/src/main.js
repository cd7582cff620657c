// The dashboard's shell: sign-in, the header, the tabs, the shared period/city filter and
// the current view. Views are rebuilt on navigation; every datum comes from the API.

import { createApi } from './api.js';
import { h, option, replace } from './dom.js';
import {
  CITIES,
  CITY_CODES,
  PERIOD_KINDS,
  ROLE_NAMES,
  cityName,
  defaultPeriod,
  isoDate,
  periodComplete,
  periodFromName,
  periodLabel,
} from './format.js';
import { clearSession, loadSession, saveSession } from './session.js';
import { auditView } from './views/audit.js';
import { challengeView } from './views/challenge.js';
import { expertView } from './views/challenge_expert.js';
import { correctionRequestsView } from './views/corrections.js';
import { governanceView } from './views/governance.js';
import { importView } from './views/imports.js';
import { loginView } from './views/login.js';
import { narrativeView } from './views/narrative.js';
import { publishView } from './views/publish.js';
import { reportView } from './views/report.js';

const app = document.getElementById('app');

const TABS = [
  { id: 'report', label: '报告', make: reportView, filters: true },
  { id: 'challenge', label: '揭榜挂帅', make: challengeView, filters: true },
  { id: 'narrative', label: '报告文稿', make: narrativeView, filters: true, roles: ['admin', 'analyst'] },
  { id: 'governance', label: '数据治理', make: governanceView, filters: true, roles: ['admin', 'analyst', 'city_bureau'] },
  { id: 'imports', label: '导入', make: importView, filters: false, roles: ['admin', 'city_bureau'] },
  { id: 'publish', label: '发布', make: publishView, filters: true },
  { id: 'corrections', label: '更正申请', make: correctionRequestsView, filters: false, roles: ['admin', 'city_bureau'] },
  { id: 'audit', label: '审计日志', make: auditView, filters: false, roles: ['admin'] },
  { id: 'my-reviews', label: '我的评审', make: expertView, filters: false, roles: ['expert'] },
];

let session = loadSession();
let current = null;
const state = { period: defaultPeriod(), city: '' };

const api = createApi({
  session: () => session,
  onUnauthorized: (err) => {
    // The credential is gone or expired: back to sign-in, saying why.
    if (session) signOut(`登录已失效，请重新登录（${err.title}${err.detail ? '：' + err.detail : ''}）`);
  },
});
// A client for a credential not yet stored (checking it at sign-in).
const rawApi = (candidate) => createApi({ session: () => candidate });

function signOut(message) {
  current?.dispose();
  current = null;
  session = null;
  state.city = ''; // the next user chooses (or is bound to) their own
  clearSession();
  renderLogin(message);
}

function renderLogin(message) {
  document.title = '登录 · 广西科技厅数据看板';
  replace(app,
    loginView({
      api: rawApi(null),
      rawApi,
      message,
      onSignedIn: (s) => {
        session = s;
        saveSession(s);
        openOnLatest();
      },
    }),
  );
}

// A reviewing expert sees its own review page only: the figures are not its business.
function allowedTabs() {
  const role = session.who.role;
  return TABS.filter((t) => (t.roles ? t.roles.includes(role) : role !== 'expert'));
}

function currentTab() {
  const id = window.location.hash.replace(/^#\/?/, '');
  const tabs = allowedTabs();
  return tabs.find((t) => t.id === id) || tabs[0];
}

let shell = null;

function filterBar() {
  const p = state.period;
  const thisYear = new Date().getFullYear();
  const years = [];
  for (let y = thisYear; y >= 2015; y--) years.push(y);
  const year = h('select', { testid: 'period-year' }, years.map((y) => option(String(y), `${y}年`, y === p.year)));
  const kind = h('select', { testid: 'period-kind' }, PERIOD_KINDS.map(([k, l]) => option(k, l, k === p.kind)));
  // ISO dates typed as text: a date picker would show the browser's locale format.
  const dateInput = (testid, value) =>
    h('input', { type: 'text', testid, value, placeholder: 'YYYY-MM-DD', maxlength: 10, size: 11, inputmode: 'numeric' });
  const from = dateInput('period-from', p.from);
  const to = dateInput('period-to', p.to);
  const custom = h('span', { class: 'custom', hidden: p.kind !== 'custom' }, from, ' 至 ', to);
  const own = session.who.role === 'city_bureau' ? session.who.city : null;
  if (own) state.city = own;
  const city = h(
    'select',
    { testid: 'city-select', disabled: Boolean(own) },
    own ? option(own, cityName(own), true) : [option('', '全区', !state.city), CITY_CODES.map((c) => option(c, CITIES[c], c === state.city))],
  );
  const changed = () => {
    for (const el of [from, to]) el.classList.toggle('invalid', Boolean(el.value) && !isoDate(el.value));
    state.period = {
      year: Number(year.value),
      kind: kind.value,
      from: isoDate(from.value) || '',
      to: isoDate(to.value) || '',
    };
    year.disabled = kind.value === 'custom';
    custom.hidden = kind.value !== 'custom';
    state.city = own || city.value;
    if (periodComplete(state.period)) current?.load();
  };
  for (const el of [year, kind, from, to, city]) el.addEventListener('change', changed);
  year.disabled = p.kind === 'custom';
  return {
    el: h(
      'div',
      { class: 'filterbar', testid: 'filters' },
      h('label', { class: 'field inline' }, '统计期', year, kind, custom),
      h('label', { class: 'field inline' }, '范围', city),
    ),
    setCity(code) {
      city.value = code;
      changed();
    },
  };
}

function renderShell() {
  const who = session.who;
  const userText =
    `${who.name || session.user || who.subject} · ${ROLE_NAMES[who.role] || who.role}` +
    (who.city ? `（${cityName(who.city)}）` : '');
  const nav = h(
    'nav',
    { class: 'tabs' },
    allowedTabs().map((t) => h('a', { href: `#${t.id}`, testid: `nav-${t.id}`, data: { tab: t.id } }, t.label)),
  );
  const filters = filterBar();
  const main = h('main', { testid: 'main' });
  const notice = h('div', { class: 'notice', testid: 'notice', hidden: true });
  shell = { nav, filters, main, notice };
  replace(app,
    h(
      'header',
      { class: 'top' },
      h('div', { class: 'brand' }, h('strong', {}, '广西科技厅 业务平台'), h('span', {}, '数据看板')),
      h(
        'div',
        { class: 'user' },
        h('span', { testid: 'user-badge', data: { role: who.role, city: who.city || '' } }, userText),
        h('button', { type: 'button', testid: 'logout', onclick: () => signOut('已退出。') }, '退出'),
      ),
    ),
    nav,
    filters.el,
    notice,
    main,
  );
  showTab();
}

function notify(text) {
  if (!shell) return;
  shell.notice.textContent = text;
  shell.notice.hidden = false;
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => (shell.notice.hidden = true), 6000);
}

function showTab() {
  if (!session || !shell) return;
  const tab = currentTab();
  current?.dispose();
  for (const a of shell.nav.querySelectorAll('a')) a.classList.toggle('active', a.dataset.tab === tab.id);
  shell.filters.el.hidden = !tab.filters;
  current = tab.make({
    api,
    who: session.who,
    filters: () => ({ period: { ...state.period }, city: state.city }),
    canChooseCity: () => session.who.role !== 'city_bureau',
    setCity: (code) => shell.filters.setCity(code),
    notify,
  });
  replace(shell.main, current.el);
  document.title = `${tab.label} · 广西科技厅数据看板`;
  if (!tab.filters || periodComplete(state.period)) current.load();
}

window.addEventListener('hashchange', showTab);

// After sign-in the dashboard opens on the latest half-year that has data in the user's
// scope (GET …/reports/latest-period), not on an empty current half-year.
async function openOnLatest() {
  replace(app, h('div', { class: 'loading-box opening', testid: 'opening' }, h('span', { class: 'spinner' }), '正在查找有数据的最近一期…'));
  let message = '';
  if (session.who.role === 'expert') {
    renderShell();
    return;
  }
  try {
    const own = session.who.role === 'city_bureau' ? session.who.city : '';
    const latest = await api.get('/api/reporting/v1/reports/latest-period', { city: own });
    const period = periodFromName(latest.period);
    if (period) {
      state.period = period;
      message = `已打开有数据的最近一期：${periodLabel(period)}。`;
    } else {
      message = '近十年没有任何数据，显示最近一个半年。';
    }
  } catch (err) {
    if (!session) return; // signed out meanwhile (401)
    message = '未能确定有数据的最近一期，显示最近一个半年。';
  }
  renderShell();
  notify(message);
}

if (session) openOnLatest();
else renderLogin();
