// 导入: a city bureau (or the department) picks a dataset, downloads its template, uploads
// the filled file and sees what was imported, or every bad row in Chinese (行, 列, 说明).
// The datasets, their columns and templates come from each service's GET /v1/imports.

import { h, option, replace } from '../dom.js';
import { busy, card, errorBox, table } from '../ui.js';
import { IMPORT_COUNT_WORDS, IMPORT_SERVICES, SERVICE_WORDS } from '../words.js';

function countsText(result) {
  // The import answers differ in shape: projects nest their counts under ``summary``.
  const s = result.summary || result;
  return IMPORT_COUNT_WORDS.filter(([k]) => typeof s[k] === 'number')
    .map(([k, label, unit]) => `${label} ${s[k]} ${unit}`)
    .join('，');
}

export function importView(ctx) {
  const el = h('div', { class: 'view imports', testid: 'imports-view' });
  let datasets = [];
  let disposed = false;

  const select = h('select', { testid: 'import-dataset' });
  const columns = h('div', { testid: 'import-columns' });
  // The browser's own file input speaks the browser's language ("Choose File"): it stays
  // hidden behind a button and a file name in Chinese.
  const file = h('input', { type: 'file', testid: 'import-file', accept: '.xlsx,.csv', hidden: true });
  const fileName = h('span', { class: 'file-name', testid: 'import-file-name' }, '未选择文件');
  const pick = h('button', { type: 'button', testid: 'import-pick', onclick: () => file.click() }, '选择文件');
  file.onchange = () => replace(fileName, file.files[0]?.name || '未选择文件');
  const result = h('div', { testid: 'import-result', 'aria-live': 'polite' });
  const xlsx = h('button', { type: 'button', testid: 'import-template-xlsx' }, '下载模板（Excel）');
  const csv = h('button', { type: 'button', testid: 'import-template-csv' }, '下载模板（CSV）');
  const dryRun = h('input', { type: 'checkbox', testid: 'import-dry-run' });
  const upload = h('button', { type: 'button', class: 'primary', testid: 'import-upload' }, '上传并导入');

  const chosen = () => datasets.find((d) => d.key === select.value);
  const base = (d) => `/api/${d.service}/v1/imports/${d.name}`;

  function showColumns() {
    const d = chosen();
    if (!d) return replace(columns);
    replace(
      columns,
      table(
        'import-columns-table',
        ['列名', '含义', '必填', '格式', '允许的取值'],
        d.columns.map((c) =>
          h('tr', {}, h('td', {}, c.header), h('td', {}, c.meaning), h('td', {}, c.required ? '是' : '否'),
            h('td', {}, c.format), h('td', {}, c.allowed_text || '—')),
        ),
      ),
    );
  }

  async function template(button, ext) {
    const d = chosen();
    if (!d) return;
    await busy(button, '下载中…', () => ctx.api.download(`${base(d)}/template.${ext}`, {}, `${d.title}导入模板.${ext}`),
      (err) => replace(result, errorBox(err)));
  }

  async function send() {
    const d = chosen();
    const f = file.files[0];
    if (!d || !f) {
      replace(result, h('p', { class: 'problem', testid: 'import-hint' }, '请先选择数据类型和要上传的文件。'));
      return;
    }
    await busy(upload, '导入中…', async () => {
      try {
        const answer = await ctx.api.upload(base(d), f, { dry_run: dryRun.checked ? 'true' : '' });
        const what = dryRun.checked ? '校验通过（试导入，未写入）' : '导入成功';
        replace(result, h('div', { class: 'ok', testid: 'import-ok' }, `${what}：${d.title}，${countsText(answer)}。`));
      } catch (err) {
        if (!err.errors?.length) {
          replace(result, errorBox(err));
          return;
        }
        // Row errors: nothing was imported; list every one, as the file named its columns.
        replace(
          result,
          h('div', { class: 'problem', testid: 'import-refused', role: 'alert' },
            h('strong', {}, `${err.detail || err.title}（共 ${err.errors.length} 处错误）`)),
          table(
            'import-errors',
            ['行', '列', '说明'],
            err.errors.map((e) =>
              h('tr', {}, h('td', {}, e.row ? String(e.row) : '表头'), h('td', {}, ['row', 'file'].includes(e.field) ? '（整行）' : e.field), h('td', {}, e.message)),
            ),
          ),
        );
      }
    });
  }

  xlsx.onclick = () => template(xlsx, 'xlsx');
  csv.onclick = () => template(csv, 'csv');
  upload.onclick = send;
  select.onchange = () => {
    showColumns();
    replace(result);
  };

  async function load() {
    replace(el, h('div', { class: 'loading-box' }, h('span', { class: 'spinner' }), '正在加载可导入的数据…'));
    const lists = await Promise.allSettled(IMPORT_SERVICES.map((s) => ctx.api.get(`/api/${s}/v1/imports`)));
    if (disposed) return;
    datasets = [];
    const down = [];
    lists.forEach((r, i) => {
      const service = IMPORT_SERVICES[i];
      if (r.status === 'fulfilled') datasets.push(...r.value.map((d) => ({ ...d, service, key: `${service}/${d.name}` })));
      else down.push(SERVICE_WORDS[service] || service);
    });
    replace(select, datasets.map((d, i) => option(d.key, `${d.title}（${SERVICE_WORDS[d.service]}）`, i === 0)));
    showColumns();
    replace(
      el,
      card(
        '数据导入',
        h('p', { class: 'hint' },
          '选择数据类型，下载模板按模板填写（“说明”页列出每一列的含义、格式和允许的取值），再上传。'
          + '任何一行有错误时整份文件都不导入，所有错误一次列出。'),
        down.length ? h('p', { class: 'problem', testid: 'import-down' }, `暂时无法加载：${down.join('、')}。`) : null,
        h('div', { class: 'toolbar' }, h('label', { class: 'field inline' }, '数据类型', select), xlsx, csv),
        columns,
        h('div', { class: 'toolbar' },
          h('span', { class: 'field inline' }, '文件', pick, fileName, file),
          h('label', { class: 'field inline' }, dryRun, '仅校验不写入'),
          upload),
        result,
      ),
    );
  }

  return {
    el,
    load: () => load().catch((err) => replace(el, errorBox(err))),
    dispose: () => (disposed = true),
  };
}
