// The gateway's public API, called like any other client does: same origin, the user's
// own credential on every request, RFC 9457 problems turned into ApiError.

import { authHeaders } from './session.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.status = status;
    this.code = problem.code || `http_${status}`;
    this.title = problem.title || `HTTP ${status}`;
    this.detail = problem.detail || '';
    this.errors = Array.isArray(problem.errors) ? problem.errors : [];
    this.requestId = problem.request_id || '';
    this.problem = problem; // extension members (e.g. the service a 503 names)
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function url(path, query) {
  const u = new URL(path, window.location.origin);
  // URLSearchParams for repeated names (subject=…&subject=…), a plain object otherwise.
  const pairs = query instanceof URLSearchParams ? [...query] : Object.entries(query || {});
  for (const [k, v] of pairs) {
    if (v !== null && v !== undefined && v !== '') u.searchParams.append(k, v);
  }
  return u.pathname + u.search;
}

async function problemOf(resp) {
  const text = await resp.text();
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object') return body;
  } catch {
    // not JSON: a proxy's HTML page, say
  }
  return { title: `HTTP ${resp.status} ${resp.statusText}`, detail: text.slice(0, 300) };
}

export function createApi({ session, onUnauthorized }) {
  async function send(method, path, { query, body, form, accept } = {}) {
    // Problems come worded in the language asked for: the page speaks Chinese.
    const headers = {
      Accept: accept || 'application/json',
      'Accept-Language': 'zh-CN',
      ...authHeaders(session()),
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    for (let attempt = 0; ; attempt++) {
      const resp = await fetch(url(path, query), {
        method,
        headers,
        // A FormData body sets its own multipart Content-Type (with the boundary).
        body: form !== undefined ? form : body !== undefined ? JSON.stringify(body) : undefined,
        cache: 'no-store',
        credentials: 'omit',
      });
      // The gateway's per-client rate limit: wait as told, a few times.
      if (resp.status === 429 && attempt < 3) {
        await sleep(1000 * Math.min(Number(resp.headers.get('Retry-After')) || 1, 5));
        continue;
      }
      if (!resp.ok) {
        const err = new ApiError(resp.status, await problemOf(resp));
        if (resp.status === 401 && onUnauthorized) onUnauthorized(err);
        throw err;
      }
      return resp;
    }
  }

  async function json(method, path, opts) {
    const resp = await send(method, path, opts);
    return resp.status === 204 ? null : resp.json();
  }

  return {
    get: (path, query) => json('GET', path, { query }),
    post: (path, body) => json('POST', path, { body }),
    put: (path, body) => json('PUT', path, { body }),
    // A file as the multipart field ``file``, as every import takes it.
    upload(path, file, query) {
      const form = new FormData();
      form.append('file', file, file.name);
      return json('POST', path, { form, query });
    },
    // Every item of a keyset-paginated listing, up to ``maxItems``.
    async all(path, query, maxItems = 20000) {
      const items = [];
      let cursor = null;
      do {
        const page = await json('GET', path, { query: { ...query, limit: 1000, cursor } });
        items.push(...page.items);
        cursor = page.next_cursor;
      } while (cursor && items.length < maxItems);
      return { items, truncated: Boolean(cursor) };
    },
    // A file the API answers with Content-Disposition, saved through a Blob URL: a plain
    // link could not carry the credential.
    async download(path, query, fallbackName) {
      const resp = await send('GET', path, { query, accept: '*/*' });
      const blob = await resp.blob();
      const name = filenameOf(resp.headers.get('Content-Disposition')) || fallbackName;
      const href = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = href;
      a.download = name;
      a.hidden = true;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 60000);
      return { name, size: blob.size };
    },
  };
}

export function filenameOf(disposition) {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // fall through to the plain parameter
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : null;
}
