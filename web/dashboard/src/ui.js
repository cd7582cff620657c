// Shared pieces of the page: the problem box (errors are always shown, never swallowed),
// buttons that show they are busy, small tables.

import { ApiError } from './api.js';
import { h } from './dom.js';
import { fieldWords } from './words.js';

const STATUS_NAMES = {
  400: '请求有误',
  401: '未登录或登录已失效',
  403: '无权限',
  404: '未找到',
  409: '操作冲突',
  413: '内容过大',
  422: '输入有误',
  429: '请求过于频繁',
  500: '服务器内部错误',
  502: '上游服务不可达',
  503: '服务暂不可用',
  504: '上游服务超时',
};

export function errorBox(err, testid = 'error') {
  if (!(err instanceof ApiError)) {
    const msg = err instanceof TypeError ? '无法连接网关，请检查网络' : String(err?.message || err);
    return h(
      'div',
      { class: 'problem', testid, role: 'alert' },
      h('strong', { testid: 'error-title' }, '网络错误'),
      h('p', { testid: 'error-detail' }, msg),
    );
  }
  const kind = STATUS_NAMES[err.status] || `错误 ${err.status}`;
  return h(
    'div',
    { class: 'problem', testid, role: 'alert', data: { code: err.code, status: err.status } },
    h('strong', { testid: 'error-title' }, `${kind}（${err.status}）：${err.title}`),
    err.detail ? h('p', { testid: 'error-detail' }, err.detail) : null,
    err.errors.length
      ? h(
          'ul',
          {},
          err.errors.map((e) =>
            h('li', {}, `${fieldWords(e.field)}${e.row ? `（第 ${e.row} 行）` : ''}：${e.message}`),
          ),
        )
      : null,
    h(
      'small',
      {},
      `代码 ${err.code}`,
      err.requestId ? ` · 请求号 ${err.requestId}` : '',
    ),
  );
}

// Runs ``task`` with the button disabled and labelled busy; errors go to ``onError``.
export async function busy(button, label, task, onError) {
  const before = button.textContent;
  button.disabled = true;
  button.textContent = label;
  try {
    return await task();
  } catch (err) {
    if (onError) onError(err);
    else throw err;
    return undefined;
  } finally {
    button.disabled = false;
    button.textContent = before;
  }
}

export function table(testid, headers, rows, attrs = {}) {
  return h(
    'table',
    { class: 'grid', testid, ...attrs },
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', {}, t)))),
    h('tbody', {}, rows),
  );
}

export function card(title, ...body) {
  return h('section', { class: 'card' }, title ? h('h2', {}, title) : null, ...body);
}
