// 审计日志 (admins): every write through the gateway, newest first, with the audit API's
// filters and its keyset paging (a stack of cursors gives "previous page").

import { h, option, replace } from '../dom.js';
import { CITIES, CITY_CODES, ROLE_NAMES, cityName, fmtDateTime } from '../format.js';
import { busy, card, errorBox, table } from '../ui.js';

const AUDIT = '/gateway/v1/audit-log';
const PAGE = 50;

function toIso(local) {
  // <input type="datetime-local"> gives local time without zone; the API wants an instant.
  return local ? new Date(local).toISOString() : '';
}

export function auditView(ctx) {
  const root = h('div', { testid: 'audit', class: 'view', data: { state: 'idle' } });
  const f = {
    method: h('select', { testid: 'audit-method' }, option('', '全部'), ['POST', 'PUT', 'PATCH', 'DELETE'].map((m) => option(m, m))),
    status: h('input', { testid: 'audit-status', type: 'number', min: 100, max: 599, placeholder: '如 201' }),
    role: h('select', { testid: 'audit-role' }, option('', '全部'), Object.entries(ROLE_NAMES).map(([r, n]) => option(r, n))),
    city: h('select', { testid: 'audit-city' }, option('', '全部'), CITY_CODES.map((c) => option(c, CITIES[c]))),
    client: h('input', { testid: 'audit-client', placeholder: '用户名或密钥编号' }),
    path_prefix: h('input', { testid: 'audit-path', placeholder: '/api/reporting/' }),
    from: h('input', { testid: 'audit-from', type: 'datetime-local' }),
    to: h('input', { testid: 'audit-to', type: 'datetime-local' }),
  };
  const labels = {
    method: '方法',
    status: '状态码',
    role: '角色',
    city: '城市',
    client: '调用方',
    path_prefix: '路径前缀',
    from: '起',
    to: '止',
  };
  const search = h('button', { type: 'submit', class: 'primary', testid: 'audit-search' }, '查询');
  const form = h(
    'form',
    { class: 'filters' },
    Object.entries(f).map(([k, el]) => h('label', { class: 'field' }, labels[k], el)),
    search,
  );
  const errors = h('div', { class: 'errors' });
  const list = h('div');
  const prev = h('button', { type: 'button', testid: 'audit-prev' }, '上一页');
  const next = h('button', { type: 'button', testid: 'audit-next' }, '下一页');
  const pageInfo = h('span', { class: 'hint', testid: 'audit-page' });
  root.append(h('h1', {}, '审计日志'), h('p', { class: 'hint' }, '经网关的所有写操作（POST/PUT/PATCH/DELETE），最新的在前。'), card(null, form), errors, card(null, list, h('div', { class: 'pager' }, prev, pageInfo, next)));

  // cursors[i] is the cursor that fetches page i (page 0 has none).
  let cursors = [null];
  let page = 0;
  let nextCursor = null;

  function query() {
    const q = {};
    for (const [k, el] of Object.entries(f)) {
      const v = el.value.trim();
      if (v) q[k] = k === 'from' || k === 'to' ? toIso(v) : v;
    }
    return q;
  }

  async function fetchPage() {
    root.dataset.state = 'loading';
    replace(errors);
    try {
      const data = await ctx.api.get(AUDIT, { ...query(), limit: PAGE, cursor: cursors[page] });
      nextCursor = data.next_cursor;
      replace(list,
        data.items.length
          ? table(
              'audit-table',
              ['时间', '调用方', '角色', '城市', '方法', '路径', '状态', '耗时', '请求号'],
              data.items.map((e) =>
                h(
                  'tr',
                  { testid: 'audit-row', data: { method: e.method, status: e.status } },
                  h('td', { class: 'nowrap' }, fmtDateTime(e.occurred_at)),
                  h('td', { class: 'client' }, e.client_id),
                  h('td', { class: 'nowrap' }, ROLE_NAMES[e.role] || e.role),
                  h('td', { class: 'nowrap' }, e.city ? cityName(e.city) : '—'),
                  h('td', {}, e.method),
                  h('td', { class: 'mono path' }, e.path),
                  h('td', { class: e.status >= 400 ? 'bad' : '' }, String(e.status)),
                  h('td', { class: 'value' }, `${e.duration_ms} ms`),
                  h('td', { class: 'mono', title: e.request_id || '' }, (e.request_id || '—').slice(0, 12)),
                ),
              ),
            )
          : h('p', { class: 'hint', testid: 'audit-empty' }, '没有符合条件的记录。'),
      );
      prev.disabled = page === 0;
      next.disabled = !nextCursor;
      pageInfo.textContent = `第 ${page + 1} 页`;
      root.dataset.state = 'ready';
    } catch (err) {
      replace(errors, errorBox(err));
      root.dataset.state = 'error';
    }
  }

  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    cursors = [null];
    page = 0;
    busy(search, '查询中…', fetchPage);
  });
  next.onclick = () => {
    if (!nextCursor) return;
    cursors[page + 1] = nextCursor;
    page += 1;
    busy(next, '加载中…', fetchPage);
  };
  prev.onclick = () => {
    if (page === 0) return;
    page -= 1;
    busy(prev, '加载中…', fetchPage);
  };

  return {
    el: root,
    load: () => {
      cursors = [null];
      page = 0;
      return fetchPage();
    },
    dispose() {},
  };
}
