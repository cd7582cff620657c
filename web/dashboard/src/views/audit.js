// 审计日志 (admins): every write through the gateway, newest first, with the audit API's
// filters and its keyset paging (a stack of cursors gives "previous page").

import { h, option, replace } from '../dom.js';
import { CITIES, CITY_CODES, ROLE_NAMES, cityName, fmtDateTime, isoDate } from '../format.js';
import { busy, card, errorBox, table } from '../ui.js';
import { actionWords } from '../words.js';

const AUDIT = '/gateway/v1/audit-log';

class DateInvalid extends Error {}
const PAGE = 50;

// A day typed as YYYY-MM-DD, as the instant it starts (``from``) or ends (``to``) in
// Beijing time, which is the department's day.
function dayBound(text, end) {
  const day = isoDate(text);
  if (!day) return null;
  return `${day}T${end ? '23:59:59.999' : '00:00:00'}+08:00`;
}

const CLIENT_KINDS = { api_key: 'API 密钥', bank_key: '银行签名密钥', user: '用户' };
const STATUS_WORDS = (status) =>
  status < 300 ? '成功' : status === 401 || status === 403 ? '被拒绝' : status < 500 ? '未通过' : '失败';

export function auditView(ctx) {
  const root = h('div', { testid: 'audit', class: 'view', data: { state: 'idle' } });
  const f = {
    method: h(
      'select',
      { testid: 'audit-method' },
      option('', '全部'),
      [['POST', '新增'], ['PUT', '修改（整体）'], ['PATCH', '修改'], ['DELETE', '删除']].map(([m, l]) => option(m, l)),
    ),
    status: h('input', { testid: 'audit-status', type: 'number', min: 100, max: 599, placeholder: '如 201' }),
    role: h('select', { testid: 'audit-role' }, option('', '全部'), Object.entries(ROLE_NAMES).map(([r, n]) => option(r, n))),
    city: h('select', { testid: 'audit-city' }, option('', '全部'), CITY_CODES.map((c) => option(c, CITIES[c]))),
    client: h('input', { testid: 'audit-client', placeholder: '用户名或密钥编号' }),
    path_prefix: h('input', { testid: 'audit-path', placeholder: '/api/reporting/' }),
    // ISO dates typed as text: a date picker would show the browser's locale format.
    from: h('input', { testid: 'audit-from', type: 'text', placeholder: 'YYYY-MM-DD', maxlength: 10, size: 11 }),
    to: h('input', { testid: 'audit-to', type: 'text', placeholder: 'YYYY-MM-DD', maxlength: 10, size: 11 }),
  };
  const labels = {
    method: '操作',
    status: '状态码',
    role: '角色',
    city: '城市',
    client: '调用方',
    path_prefix: '路径前缀',
    from: '起始日期',
    to: '截止日期',
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
      if (!v) continue;
      if (k === 'from' || k === 'to') {
        const bound = dayBound(v, k === 'to');
        if (!bound) throw new DateInvalid(`${labels[k]}“${v}”不是有效日期，请按 YYYY-MM-DD 填写，如 2023-06-30。`);
        q[k] = bound;
      } else q[k] = v;
    }
    return q;
  }

  async function fetchPage() {
    root.dataset.state = 'loading';
    replace(errors);
    for (const k of ['from', 'to']) f[k].classList.toggle('invalid', Boolean(f[k].value.trim()) && !isoDate(f[k].value));
    try {
      const data = await ctx.api.get(AUDIT, { ...query(), limit: PAGE, cursor: cursors[page] });
      nextCursor = data.next_cursor;
      replace(list,
        data.items.length
          ? table(
              'audit-table',
              ['时间', '操作人', '角色', '城市', '操作', '结果', '接口地址', '耗时'],
              data.items.map((e) =>
                h(
                  'tr',
                  { testid: 'audit-row', data: { method: e.method, status: e.status, client: e.client_id } },
                  h('td', { class: 'nowrap' }, fmtDateTime(e.occurred_at)),
                  h(
                    'td',
                    { class: 'client', title: `${CLIENT_KINDS[e.client_kind] || ''} ${e.client_id}` },
                    e.client_name || e.client_id,
                    h('span', { class: 'tag' }, CLIENT_KINDS[e.client_kind] || ''),
                  ),
                  h('td', { class: 'nowrap' }, ROLE_NAMES[e.role] || e.role),
                  h('td', { class: 'nowrap' }, e.city ? cityName(e.city) : '—'),
                  h('td', { class: 'nowrap', testid: 'audit-action' }, actionWords(e.method, e.path)),
                  h('td', { class: e.status >= 400 ? 'bad nowrap' : 'nowrap', title: `HTTP ${e.status}` }, `${STATUS_WORDS(e.status)}（${e.status}）`),
                  h('td', { class: 'mono path', title: e.request_id ? `请求号 ${e.request_id}` : '' }, e.path),
                  h('td', { class: 'value' }, `${e.duration_ms} 毫秒`),
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
      replace(errors, err instanceof DateInvalid ? h('div', { class: 'problem', testid: 'error', role: 'alert' }, err.message) : errorBox(err));
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
