// 更正与撤回: a city bureau withdraws or corrects a record of the 明细 (always with a
// reason), sees the record's history, and asks the department for a change only it may
// make; the department approves or rejects those requests in the 更正申请 tab.

import { h, option, replace } from '../dom.js';
import { cityName, fmtDateTime, fmtMoney } from '../format.js';
import { busy, card, errorBox, table } from '../ui.js';
import {
  CORRECTABLE,
  CORRECTION_SERVICES,
  FIELD_LABELS,
  HISTORY_ACTION_WORDS,
  KIND_WORDS,
  MONEY_FIELDS,
  REGION_FIELDS,
  REQUEST_STATUS_WORDS,
  SERVICE_WORDS,
  STATUS_WORDS,
} from '../words.js';
import { callerNames } from './publish.js';

const NUMBER_FIELDS = new Set(['days', 'attendees', 'year']);

// The kind behind a figure's records link that the signed-in user may change, or null
// (the API decides which of its records: a city bureau's own city's).
export function correctableOf(link, who) {
  const code = /\/indicators\/([^/?]+)\/records/.exec(link || '')?.[1];
  const kind = CORRECTABLE.find((k) => k.codes.includes(code));
  return kind && (kind.roles || ['admin', 'city_bureau']).includes(who.role) ? kind : null;
}

function shown(field, value) {
  if (value === null || value === undefined || value === '') return '—';
  if (MONEY_FIELDS.has(field)) return fmtMoney(value, '万元');
  if (REGION_FIELDS.has(field)) return cityName(String(value));
  if (field === 'status') return STATUS_WORDS[value] || String(value);
  return String(value);
}

function changesText(before, after) {
  return Object.keys(after)
    .map((k) => `${FIELD_LABELS[k] || k}：${shown(k, before[k])} → ${shown(k, after[k])}`)
    .join('；');
}

// Key and user names come from the gateway, which answers the department's roles only;
// a city bureau sees who acted by role (its own bureau or the department).
async function namesOf(ctx, subjects) {
  return ['admin', 'analyst'].includes(ctx.who.role) ? callerNames(ctx.api, subjects) : {};
}

function who(names, subject, role) {
  const by = role === 'admin' ? '科技厅' : '市科技局';
  return names[subject] ? `${names[subject]}（${by}）` : by;
}

// The form area under the 明细 table: one action at a time.
export function correctionForms(ctx, onChanged) {
  const el = h('div', { class: 'correction-form', testid: 'correction-form', hidden: true });
  const close = () => {
    el.hidden = true;
    replace(el);
  };

  function open(title, ...body) {
    el.hidden = false;
    replace(el, h('h4', {}, title), ...body, h('button', { type: 'button', class: 'link', onclick: close }, '取消'));
    el.scrollIntoView({ block: 'nearest' });
  }

  function reasonInput() {
    return h('input', { type: 'text', testid: 'correction-reason', maxlength: 2000, size: 40, placeholder: '请填写原因（必填）' });
  }

  function withdraw(kind, id, name) {
    const reason = reasonInput();
    const result = h('div');
    const go = h('button', { type: 'button', testid: 'withdraw-confirm', class: 'danger' }, '确认撤回');
    go.onclick = () =>
      busy(go, '撤回中…', async () => {
        replace(result);
        try {
          await ctx.api.post(`${kind.path}/${id}/withdraw`, { reason: reason.value });
          close();
          ctx.notify(`已撤回「${name}」：撤回的记录不再计入任何指标。`);
          await onChanged();
        } catch (err) {
          replace(result, errorBox(err, 'correction-error'));
        }
      });
    open(
      `撤回「${name}」`,
      h('p', { class: 'hint' }, '撤回后记录仍保留，但不再计入任何指标；已上报或已审核锁定的期间不能撤回。'),
      h('label', { class: 'field' }, '撤回原因', reason),
      go,
      result,
    );
    reason.focus();
  }

  function correct(kind, id, name) {
    const field = h('select', { testid: 'correction-field' }, kind.fields.map((f) => option(f, FIELD_LABELS[f] || f)));
    const value = h('input', { type: 'text', testid: 'correction-value', size: 30 });
    const unitHint = h('span', { class: 'hint' });
    const hint = () => {
      const f = field.value;
      unitHint.textContent = MONEY_FIELDS.has(f) ? '（金额以元为单位）' : /_on$|deadline/.test(f) ? '（YYYY-MM-DD）' : REGION_FIELDS.has(f) ? '（六位行政区划代码）' : '';
    };
    field.onchange = hint;
    hint();
    const reason = reasonInput();
    const result = h('div');
    const body = () => {
      const f = field.value;
      const v = NUMBER_FIELDS.has(f) && /^\d+$/.test(value.value.trim()) ? Number(value.value.trim()) : value.value.trim();
      return { changes: { [f]: v }, reason: reason.value };
    };
    const request = h('button', { type: 'button', testid: 'correction-request', hidden: true }, '提交更正申请');
    request.onclick = () =>
      busy(request, '提交中…', async () => {
        try {
          await ctx.api.post(`${kind.path}/${id}/correction-requests`, body());
          close();
          ctx.notify('更正申请已提交，待科技厅审批。');
        } catch (err) {
          replace(result, errorBox(err, 'correction-error'));
        }
      });
    const go = h('button', { type: 'button', testid: 'correction-confirm' }, '提交更正');
    go.onclick = () =>
      busy(go, '提交中…', async () => {
        replace(result);
        request.hidden = true;
        try {
          await ctx.api.post(`${kind.path}/${id}/corrections`, body());
          close();
          ctx.notify(`已更正「${name}」。`);
          await onChanged();
        } catch (err) {
          replace(result, errorBox(err, 'correction-error'));
          // Only the department may make this change: offer the request instead.
          request.hidden = err.code !== 'correction_not_allowed';
        }
      });
    open(
      `更正「${name}」`,
      h('label', { class: 'field inline' }, '更正项', field),
      h('label', { class: 'field inline' }, '更正为', value, unitHint),
      h('label', { class: 'field' }, '更正原因', reason),
      go,
      request,
      result,
    );
  }

  async function history(kind, id, name) {
    const list = h('div', { class: 'loading-box' }, h('span', { class: 'spinner' }), '正在加载…');
    open(`「${name}」的更正与撤回记录`, list);
    try {
      const rows = await ctx.api.get(`${kind.path}/${id}/corrections`);
      const names = await namesOf(ctx, rows.map((r) => r.actor_subject));
      replace(list,
        rows.length
          ? table(
              'correction-history',
              ['时间', '操作', '原因', '内容', '操作人'],
              rows.map((r) =>
                h('tr', {},
                  h('td', {}, fmtDateTime(r.recorded_at)),
                  h('td', {}, HISTORY_ACTION_WORDS[r.action] || r.action),
                  h('td', {}, r.reason),
                  h('td', {}, changesText(r.before, r.after)),
                  h('td', {}, who(names, r.actor_subject, r.actor_role)),
                ),
              ),
            )
          : h('p', { class: 'hint' }, '没有更正或撤回记录。'),
      );
    } catch (err) {
      replace(list, errorBox(err, 'correction-error'));
    }
  }

  // The buttons of one record's row.
  function buttons(kind, item) {
    const id = item[kind.idField || 'id'];
    const name = item.title || item.name || item.lab_name || item.topic || item.project_name || item.registration_no || item.dispatching_unit || item.content || item.village_code || '记录';
    return h(
      'span',
      { class: 'row-actions' },
      h('button', { type: 'button', class: 'link', testid: 'withdraw', onclick: () => withdraw(kind, id, name) }, '撤回'),
      h('button', { type: 'button', class: 'link', testid: 'correct', onclick: () => correct(kind, id, name) }, '更正'),
      h('button', { type: 'button', class: 'link', testid: 'history', onclick: () => history(kind, id, name) }, '历史'),
    );
  }

  return { el, buttons, close };
}

// 更正申请: the department's queue of changes only it may make; a city bureau sees its own.
export function correctionRequestsView(ctx) {
  const root = h('div', { testid: 'correction-requests', class: 'view', data: { state: 'idle' } });
  const status = h(
    'select',
    { testid: 'request-status' },
    option('pending', '待审批', true),
    option('approved', '已批准'),
    option('rejected', '已驳回'),
    option('', '全部'),
  );
  const body = h('div');
  const isAdmin = ctx.who.role === 'admin';
  let names = {};
  status.onchange = () => load();
  root.append(
    h('h1', {}, '更正申请'),
    h('p', { class: 'hint' }, isAdmin
      ? '市科技局提交的、只能由科技厅作出的更正（如记录所属地市、张榜条款）。批准即按申请更正并记入历史；驳回须说明理由。'
      : '本局提交的更正申请及其处理结果。'),
    h('label', { class: 'field inline' }, '状态', status),
    body,
  );

  function decide(svc, req, approve, cell) {
    const comment = h('input', { type: 'text', testid: 'decision-comment', size: 24, placeholder: approve ? '意见（可选）' : '驳回理由（必填）' });
    const result = h('div');
    const go = h('button', { type: 'button', testid: 'decision-confirm' }, approve ? '确认批准' : '确认驳回');
    go.onclick = () =>
      busy(go, '处理中…', async () => {
        try {
          await ctx.api.post(`/api/${svc}/v1/correction-requests/${req.id}/${approve ? 'approve' : 'reject'}`, { comment: comment.value });
          ctx.notify(approve ? '已批准并完成更正。' : '已驳回。');
          await load();
        } catch (err) {
          replace(result, errorBox(err, 'decision-error'));
        }
      });
    replace(cell, comment, go, result);
  }

  function row(svc, req) {
    const actions = h('td', {});
    if (isAdmin && req.status === 'pending') {
      replace(actions,
        h('button', { type: 'button', testid: 'approve', onclick: () => decide(svc, req, true, actions) }, '批准'),
        h('button', { type: 'button', testid: 'reject', onclick: () => decide(svc, req, false, actions) }, '驳回'),
      );
    } else if (req.comment) {
      replace(actions, req.comment);
    }
    return h(
      'tr',
      { testid: 'request-row', data: { id: req.id, status: req.status } },
      h('td', {}, `${KIND_WORDS[req.kind] || req.kind}（${SERVICE_WORDS[svc] || svc}）`),
      h('td', {}, cityName(req.city), h('br'), h('small', {}, who(names, req.requested_by, 'city_bureau'))),
      h('td', {}, Object.entries(req.changes).map(([k, v]) => `${FIELD_LABELS[k] || k} → ${shown(k, v)}`).join('；')),
      h('td', {}, req.reason),
      h('td', {}, fmtDateTime(req.requested_at)),
      h('td', {}, REQUEST_STATUS_WORDS[req.status] || req.status),
      actions,
    );
  }

  async function load() {
    root.dataset.state = 'loading';
    replace(body, h('div', { class: 'loading-box' }, h('span', { class: 'spinner' }), '正在加载…'));
    const rows = [];
    const failed = [];
    await Promise.all(
      CORRECTION_SERVICES.map(async (svc) => {
        try {
          const { items } = await ctx.api.all(`/api/${svc}/v1/correction-requests`, { status: status.value });
          for (const req of items) rows.push([svc, req]);
        } catch (err) {
          failed.push(errorBox(err));
        }
      }),
    );
    rows.sort((a, b) => String(a[1].requested_at).localeCompare(String(b[1].requested_at)));
    names = await namesOf(ctx, rows.map(([, req]) => req.requested_by));
    replace(body,
      failed,
      card(null, rows.length
        ? table('request-table', ['记录', '所属地市（申请人）', '申请更正', '原因', '申请时间', '状态', '处理'], rows.map(([svc, req]) => row(svc, req)))
        : h('p', { class: 'hint' }, '没有符合条件的更正申请。')),
    );
    root.dataset.state = 'ready';
  }

  return { el: root, load, dispose: () => {} };
}
