// 明细: the records behind a figure, in the words of the report — Chinese column names,
// names instead of internal ids, Chinese status words, money in 万元/亿元 — paged through
// the figure's ``records`` link with the user's own credential.

import { h, replace } from '../dom.js';
import { cityName, fmtMoney, fmtNumber } from '../format.js';
import { busy, errorBox, table } from '../ui.js';
import {
  FIELD_LABELS,
  MONEY_FIELDS,
  REGION_FIELDS,
  STATUS_WORDS,
  VALUE_WORDS,
} from '../words.js';
import { correctableOf, correctionForms } from './corrections.js';

const PAGE = 50;
// Internal identifiers: never shown (the page shows names; ids mean nothing to a reader).
const HIDDEN = /(^id$|_id$)/;
const ENUM_FIELDS = new Set(['category', 'kind', 'level', 'type', 'method', 'side', 'academy']);

function cell(field, value, moneyUnit) {
  if (value === null || value === undefined || value === '') return '—';
  if (MONEY_FIELDS.has(field)) return fmtMoney(value, moneyUnit);
  if (REGION_FIELDS.has(field)) return cityName(String(value));
  if (field === 'status' || field === 'plan_status') return STATUS_WORDS[value] || String(value);
  if (ENUM_FIELDS.has(field)) return VALUE_WORDS[value] || String(value);
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.join('、');
  if (typeof value === 'number') return fmtNumber(value);
  return String(value);
}

// The columns worth showing, in the listing's order: labelled ones only, no ids, and the
// city only when the listing spans several.
export function columnsOf(items, scopedToCity) {
  if (!items.length) return [];
  return Object.keys(items[0]).filter(
    (k) => !HIDDEN.test(k) && FIELD_LABELS[k] && !(k === 'city' && scopedToCity),
  );
}

// ``onChanged`` runs after a record was withdrawn or corrected (the report reloads).
export function recordsPanel(ctx, onChanged = async () => {}) {
  const el = h('div', { testid: 'records-panel', class: 'records', hidden: true });
  let seq = 0;

  async function show(row, link, scopedToCity) {
    const mine = ++seq;
    el.hidden = false;
    const list = h('div', { class: 'loading-box' }, h('span', { class: 'spinner' }), '正在加载明细…');
    const close = h('button', { type: 'button', class: 'link', onclick: () => (el.hidden = true) }, '关闭');
    const counter = h('span', { class: 'hint', testid: 'records-count' });
    replace(el, h('div', { class: 'records-head' }, h('h3', {}, `${row.label} · 明细`), counter, close), list);
    el.dataset.link = link;
    const moneyUnit = ['万元', '亿元'].includes(row.unit) ? row.unit : '万元';
    const [path, qs] = link.split('?');
    const query = Object.fromEntries(new URLSearchParams(qs || ''));
    const cursors = [null];
    let page = 0;
    // 撤回 / 更正 / 历史 for the records the user may change (the API checks whose they are).
    const kind = correctableOf(link, ctx.who);
    const forms = correctionForms(ctx, onChanged);
    const prev = h('button', { type: 'button', testid: 'records-prev' }, '上一页');
    const more = h('button', { type: 'button', testid: 'records-more' }, '下一页');

    async function load() {
      try {
        const data = await ctx.api.get(path, { ...query, limit: PAGE, cursor: cursors[page] });
        if (mine !== seq) return;
        cursors[page + 1] = data.next_cursor;
        const items = data.items;
        const cols = columnsOf(items, scopedToCity);
        const first = page * PAGE + 1;
        counter.textContent = items.length ? `第 ${first}–${first + items.length - 1} 条` : '';
        prev.disabled = page === 0;
        replace(list,
          items.length
            ? table(
                'records-table',
                [...cols.map((c) => FIELD_LABELS[c]), kind ? '操作' : null].filter(Boolean),
                items.map((it) =>
                  h('tr', { testid: 'record-row' },
                    cols.map((c) => h('td', { class: MONEY_FIELDS.has(c) ? 'value' : '' }, cell(c, it[c], moneyUnit))),
                    kind ? h('td', {}, forms.buttons(kind, it)) : null,
                  ),
                ),
              )
            : h('p', { class: 'hint' }, '本期没有记录。'),
          items.length && (page > 0 || data.next_cursor) ? h('div', { class: 'pager' }, prev, more) : null,
          forms.el,
        );
        more.hidden = !data.next_cursor;
      } catch (err) {
        if (mine === seq) replace(list, errorBox(err));
      }
    }
    more.onclick = () => busy(more, '加载中…', () => ((page += 1), load()));
    prev.onclick = () => busy(prev, '加载中…', () => ((page -= 1), load()));
    await load();
    el.scrollIntoView({ block: 'nearest' });
  }

  return { el, show, hide: () => (el.hidden = true) };
}
