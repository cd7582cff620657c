// 发布: export the live report, publish (freeze) it — admins only — and download the
// published DOCX/PDF/XLSX. Files are fetched with the user's credential and saved from a Blob.

import { h, replace } from '../dom.js';
import {
  cityName,
  fmtDateTime,
  fmtNumber,
  periodLabel,
  periodName,
  periodQuery,
  periodRange,
} from '../format.js';
import { busy, card, errorBox, table } from '../ui.js';

const CALLERS = '/gateway/v1/caller-names';
const MONEY = { 万元: 1, 亿元: 1 };

// A figure that moved less than its rounding shows the same rounded value twice: then
// the exact values (yuan, counts) say what moved.
function diffCells(c) {
  const same = String(c.published) === String(c.live);
  const exact = (v) => (MONEY[c.unit] ? `${fmtNumber(v)} 元` : `${fmtNumber(v)}`);
  const shown = (v, raw) => [`${fmtNumber(v)} ${c.unit}`, same && raw != null ? h('small', { class: 'exact' }, `（${exact(raw)}）`) : null];
  return [h('td', { class: 'value' }, shown(c.published, c.published_raw)), h('td', { class: 'value' }, shown(c.live, c.live_raw))];
}

// "user:王科长" → 王科长, "key:…" → the key's name (the gateway knows it).
export async function callerNames(api, subjects) {
  const names = {};
  const unique = [...new Set(subjects)];
  for (let i = 0; i < unique.length; i += 100) {
    try {
      const r = await api.get(CALLERS, new URLSearchParams(unique.slice(i, i + 100).map((s) => ['subject', s])));
      for (const c of r.items) names[c.subject] = c.name;
    } catch {
      // names are a courtesy: the subject itself still says who
    }
  }
  return names;
}

const REPORT = '/api/reporting/v1/reports/consolidated';
const PUBLISHED = '/api/reporting/v1/reports/published';
const FORMATS = [
  ['docx', 'DOCX（Word）'],
  ['pdf', 'PDF'],
  ['xlsx', 'XLSX（Excel）'],
  ['markdown', 'Markdown'],
];
const EXT = { docx: 'docx', pdf: 'pdf', xlsx: 'xlsx', markdown: 'md' };

export function publishView(ctx) {
  const { who } = ctx;
  const isAdmin = who.role === 'admin';
  const canList = who.role === 'admin' || who.role === 'analyst';
  const root = h('div', { testid: 'publish', class: 'view', data: { state: 'idle' } });
  const title = h('h1', {}, '发布与下载');
  const scopeLine = h('p', { class: 'hint', testid: 'publish-scope' });
  const liveErrors = h('div', { class: 'errors', testid: 'download-error' });
  const liveButtons = h('div', { class: 'buttons' });
  const publishErrors = h('div', { class: 'errors', testid: 'publish-error' });
  const publishButton = h('button', { type: 'button', class: 'primary', testid: 'publish-button' }, '发布报告');
  // Publishing needs every city approved; otherwise a reason, kept in the snapshot.
  const overrideInput = h('input', {
    type: 'text',
    testid: 'publish-override',
    placeholder: '如尚有地市未审核通过，请填写发布理由',
    size: 40,
  });
  const result = h('div', { testid: 'publish-result' });
  const listBox = h('div', { testid: 'published-list' });
  const diffBox = h('div', { testid: 'published-diff' });

  root.append(
    title,
    scopeLine,
    card('导出当前数据', h('p', { class: 'hint' }, '按当前统计期和范围实时生成，未定稿。'), liveButtons, liveErrors),
  );
  if (isAdmin) {
    root.append(
      card(
        '发布报告',
        h('p', { class: 'hint' }, '发布后报告的各项数据、DOCX/PDF/XLSX/Markdown 文件和内容哈希将被冻结，不可修改。'),
        h('label', {}, '未全部审核时的发布理由：', overrideInput),
        publishButton,
        publishErrors,
        result,
      ),
    );
  }
  if (canList) root.append(card('已发布报告', listBox, diffBox));

  const save = (path, query, name, errBox) => async () => {
    replace(errBox);
    try {
      const file = await ctx.api.download(path, query, name);
      ctx.notify(`已下载：${file.name}（${fmtNumber(file.size)} 字节）`);
    } catch (err) {
      replace(errBox, errorBox(err));
    }
  };

  function fileButtons(report, errBox, prefix) {
    return h(
      'div',
      { class: 'buttons' },
      FORMATS.map(([fmt, label]) => {
        const b = h('button', { type: 'button', testid: `${prefix}-${fmt}` }, `下载 ${label}`);
        b.onclick = () =>
          busy(b, '下载中…', save(`${PUBLISHED}/${report.id}/files/${fmt}`, {}, `${report.title}.${EXT[fmt]}`, errBox));
        return b;
      }),
    );
  }

  async function showDiff(report) {
    replace(diffBox, h('p', { class: 'hint' }, '正在比较…'));
    try {
      const d = await ctx.api.get(`${PUBLISHED}/${report.id}/diff`);
      replace(diffBox,
        h(
          'h3',
          { testid: 'diff-summary' },
          d.changed.length
            ? `${report.title}：发布后有 ${d.changed.length} 项指标变动，其余 ${d.unchanged} 项未变`
            : `${report.title}：发布后各项指标均未变动`,
        ),
        d.changed.length
          ? table(
              'diff-table',
              ['指标', '发布时', '当前'],
              d.changed.map((c) => h('tr', { testid: 'diff-row', data: { code: c.code } }, h('td', {}, c.label), diffCells(c))),
            )
          : null,
      );
    } catch (err) {
      replace(diffBox, errorBox(err));
    }
  }

  async function loadList() {
    const f = ctx.filters();
    const name = periodName(f.period);
    const { items } = await ctx.api.all(PUBLISHED, name ? { period: name } : {}, 2000);
    const [from, to] = periodRange(f.period);
    const mine = items
      .filter((r) => (name ? true : r.start_on === from && r.end_on === to))
      .filter((r) => (r.city || '') === (f.city || ''))
      .reverse();
    const errBox = h('div', { class: 'errors' });
    const names = await callerNames(ctx.api, mine.map((r) => r.published_by));
    replace(listBox,
      mine.length
        ? table(
            'published-table',
            ['标题', '范围', '发布时间', '发布人', '内容哈希', '文件', ''],
            mine.map((r) => {
              const diff = h('button', { type: 'button', class: 'link', onclick: () => showDiff(r) }, '与当前比较');
              return h(
                'tr',
                { testid: 'published-row', data: { id: r.id } },
                h('td', { class: 'nowrap' }, r.title),
                h('td', { class: 'nowrap' }, cityName(r.city)),
                h('td', {}, fmtDateTime(r.published_at)),
                h('td', { testid: 'published-by', title: r.published_by }, names[r.published_by] || r.published_by),
                h('td', { class: 'mono', title: r.content_hash }, r.content_hash.slice(0, 12)),
                h('td', {}, fileButtons(r, errBox, 'published-download')),
                h('td', {}, diff),
              );
            }),
          )
        : h('p', { class: 'hint' }, `${periodLabel(f.period)}（${cityName(f.city)}）尚无已发布的报告。`),
      errBox,
    );
  }

  publishButton.onclick = () =>
    busy(publishButton, '发布中…', async () => {
      const f = ctx.filters();
      replace(publishErrors);
      replace(result);
      try {
        const body = { ...periodQuery(f.period) };
        if (f.city) body.city = f.city;
        const reason = overrideInput.value.trim();
        if (reason) body.approval_override = reason;
        const r = await ctx.api.post(PUBLISHED, body);
        const errBox = h('div', { class: 'errors' });
        replace(result,
          h(
            'div',
            { class: 'success', testid: 'publish-success', data: { id: r.id } },
            h('strong', {}, `已发布：${r.title}（${cityName(r.city)}）`),
            h('p', {}, `发布时间 ${fmtDateTime(r.published_at)} · 内容哈希 `, h('code', { testid: 'publish-hash' }, r.content_hash)),
            fileButtons(r, errBox, 'download'),
            errBox,
          ),
        );
        if (canList) await loadList();
      } catch (err) {
        replace(publishErrors, errorBox(err));
      }
    });

  async function load() {
    const f = ctx.filters();
    root.dataset.state = 'loading';
    scopeLine.textContent = `统计期：${periodLabel(f.period)} · 范围：${cityName(f.city)}`;
    publishButton.textContent = `发布 ${periodLabel(f.period)} 报告（${cityName(f.city)}）`;
    replace(result);
    replace(publishErrors);
    replace(diffBox);
    replace(liveErrors);
    const live = { ...periodQuery(f.period), city: f.city };
    const base = `${periodLabel(f.period)}_${cityName(f.city)}`;
    replace(liveButtons,
      ...FORMATS.map(([fmt, label]) => {
        const b = h('button', { type: 'button', testid: `download-live-${fmt}` }, `导出 ${label}`);
        b.onclick = () => busy(b, '生成中…', save(`${REPORT}/${fmt}`, live, `${base}.${EXT[fmt]}`, liveErrors));
        return b;
      }),
    );
    if (canList) {
      try {
        await loadList();
      } catch (err) {
        replace(listBox, errorBox(err));
      }
    }
    root.dataset.state = 'ready';
  }

  return { el: root, load, dispose() {} };
}
