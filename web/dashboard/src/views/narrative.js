// 报告文稿: the report's text for a period as an editable template per section, with
// figure placeholders ({{enterprise.voucher_amount}}, {{….change}}), a live preview
// rendered by the API against the period's figures, and saved versions. Admins save;
// analysts may read and preview.

import { h, replace } from '../dom.js';
import { cityName, fmtDateTime, periodKey, periodLabel, periodQuery } from '../format.js';
import { busy, card, errorBox, table } from '../ui.js';

const N = '/api/reporting/v1/narratives';
const GRAMMAR =
  '占位符：{{指标代码}} 数值及单位；.value 数值；.unit 单位；.previous 去年同期；.change 同比分句（含逗号）；' +
  '.compare 同比（表格用语）；.cn 中文数字；.items 名称列表；另有 {{period}} {{scope}} {{area}}。每行一段。';

export function narrativeView(ctx) {
  const isAdmin = ctx.who.role === 'admin';
  const root = h('div', { testid: 'narrative', class: 'view', data: { state: 'idle' } });
  const scopeLine = h('p', { class: 'hint', testid: 'narrative-scope' });
  const sourceLine = h('p', { class: 'hint', testid: 'narrative-source' });
  const errors = h('div', { class: 'errors', testid: 'narrative-error' });
  const editor = h('div', { class: 'narrative-editor', testid: 'narrative-editor' });
  const preview = h('div', { class: 'narrative-preview', testid: 'narrative-preview', data: { state: 'idle' } });
  const previewErrors = h('div', { class: 'errors', testid: 'narrative-preview-error' });
  const versions = h('div', { testid: 'narrative-versions' });
  const note = h('input', { type: 'text', testid: 'narrative-note', placeholder: '本次修改说明（可选）', maxlength: 200 });
  const saveButton = h('button', { type: 'button', class: 'primary', testid: 'narrative-save' }, '保存为新版本');
  const generatedButton = h('button', { type: 'button', testid: 'narrative-load-generated' }, '载入系统生成文稿');
  const addButton = h('button', { type: 'button', testid: 'narrative-add-section' }, '添加一节');
  let generated = null;
  let timer = null;
  let seq = 0;
  let loads = 0;

  root.append(
    h('h1', {}, '报告文稿'),
    scopeLine,
    h(
      'div',
      { class: 'narrative-layout' },
      card('编辑', sourceLine, h('p', { class: 'hint' }, GRAMMAR), h('div', { class: 'buttons' }, generatedButton, addButton), editor, errors,
        isAdmin ? h('div', { class: 'buttons' }, note, saveButton) : h('p', { class: 'hint' }, '仅管理员可保存文稿。')),
      card('预览', h('p', { class: 'hint' }, '按当前统计期的数据实时填充，未保存。'), previewErrors, preview),
    ),
    card('历史版本', versions),
  );

  const scope = () => {
    const f = ctx.filters();
    const q = { ...periodQuery(f.period) };
    if (f.city) q.city = f.city;
    return q;
  };

  function sectionBox(section) {
    const title = h('input', { type: 'text', class: 'section-title', testid: 'section-title', value: section.title, maxlength: 100 });
    const text = h('textarea', { class: 'section-text', testid: 'section-text', rows: 6, value: section.text });
    const box = h('div', { class: 'section-edit', testid: 'section-edit' });
    const remove = h('button', { type: 'button', class: 'link', onclick: () => { box.remove(); schedule(); } }, '删除本节');
    for (const el of [title, text]) el.addEventListener('input', schedule);
    box.append(h('div', { class: 'section-head' }, title, remove), text);
    return box;
  }

  function fill(template) {
    const intro = h('textarea', { class: 'section-text', testid: 'intro-text', rows: 2, value: template.intro });
    intro.addEventListener('input', schedule);
    replace(editor, h('label', { class: 'field' }, '导语', intro), template.sections.map(sectionBox));
    schedule(0);
  }

  function current() {
    return {
      intro: editor.querySelector('[data-testid=intro-text]').value,
      sections: [...editor.querySelectorAll('[data-testid=section-edit]')].map((box) => ({
        title: box.querySelector('[data-testid=section-title]').value,
        text: box.querySelector('[data-testid=section-text]').value,
      })),
    };
  }

  function schedule(delay = 600) {
    clearTimeout(timer);
    preview.dataset.state = 'pending';
    timer = setTimeout(renderPreview, delay);
  }

  async function renderPreview() {
    const mine = ++seq;
    preview.dataset.state = 'loading';
    try {
      const r = await ctx.api.post(`${N}/preview`, { ...scope(), template: current() });
      if (mine !== seq) return;
      const n = r.narrative;
      replace(previewErrors,
        r.empty_placeholders.length
          ? h('p', { class: 'hint', testid: 'narrative-empty' }, `以下占位符本期无数据：${r.empty_placeholders.join('、')}`)
          : null,
      );
      replace(preview,
        h('h2', { class: 'doc-title', testid: 'preview-title' }, n.title),
        h('p', { class: 'doc-para' }, n.intro),
        n.sections.map((s) => [h('h3', { class: 'doc-heading' }, s.title), s.paragraphs.map((p) => h('p', { class: 'doc-para', testid: 'preview-paragraph' }, p))]),
      );
      preview.dataset.state = 'ready';
    } catch (err) {
      if (mine !== seq) return;
      replace(previewErrors, errorBox(err));
      preview.dataset.state = 'error';
    }
  }

  async function loadVersions() {
    const { items } = await ctx.api.all(`${N}/drafts`, scope(), 500);
    replace(versions,
      items.length
        ? table(
            'narrative-versions-table',
            ['版本', '说明', '保存人', '保存时间', ''],
            items.slice().reverse().map((d) =>
              h(
                'tr',
                { testid: 'narrative-version', data: { version: d.version, id: d.id } },
                h('td', {}, `第${d.version}版`),
                h('td', {}, d.note || ''),
                h('td', {}, d.created_by),
                h('td', {}, fmtDateTime(d.created_at)),
                h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => openVersion(d.id) }, '载入')),
              ),
            ),
          )
        : h('p', { class: 'hint' }, '尚无保存的版本：报告使用系统生成的文稿。'),
    );
    return items;
  }

  async function openVersion(id) {
    replace(errors);
    try {
      const d = await ctx.api.get(`${N}/drafts/${id}`);
      sourceLine.textContent = `当前编辑：第${d.version}版（${fmtDateTime(d.created_at)}，${d.created_by}）`;
      fill(d.template);
    } catch (err) {
      replace(errors, errorBox(err));
    }
  }

  generatedButton.onclick = () => {
    if (!generated) return;
    sourceLine.textContent = '当前编辑：系统生成文稿';
    fill(generated);
  };
  addButton.onclick = () => {
    editor.append(sectionBox({ title: '新的一节', text: '' }));
    schedule();
  };
  saveButton.onclick = () =>
    busy(saveButton, '保存中…', async () => {
      replace(errors);
      try {
        const d = await ctx.api.post(`${N}/drafts`, { ...scope(), template: current(), note: note.value || null });
        note.value = '';
        sourceLine.textContent = `当前编辑：第${d.version}版（刚刚保存）`;
        saveButton.dataset.saved = String(d.version);
        ctx.notify(`已保存第${d.version}版文稿。`);
        await loadVersions();
      } catch (err) {
        replace(errors, errorBox(err));
      }
    });

  async function load() {
    const f = ctx.filters();
    const mine = ++loads; // a newer filter choice wins over a slower earlier load
    root.dataset.state = 'loading';
    scopeLine.textContent = `统计期：${periodLabel(f.period)} · 范围：${cityName(f.city)}。下载和发布报告时使用最新保存的版本。`;
    replace(errors);
    try {
      const g = await ctx.api.get(`${N}/generated`, scope());
      if (mine !== loads) return;
      generated = g.template;
      await loadVersions();
      if (g.latest_draft) await openVersion(g.latest_draft.id);
      else generatedButton.onclick();
      if (mine !== loads) return;
      Object.assign(root.dataset, { state: 'ready', period: periodKey(f.period), city: f.city || 'all' });
    } catch (err) {
      if (mine !== loads) return;
      replace(errors, errorBox(err));
      root.dataset.state = 'error';
    }
  }

  return { el: root, load, dispose: () => clearTimeout(timer) };
}
