// A tiny element builder: text always goes in as text nodes (no innerHTML anywhere),
// so API data can never become markup.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  let value;
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'testid') el.dataset.testid = v;
    else if (k === 'data') Object.assign(el.dataset, v);
    else if (k === 'value') value = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (typeof v === 'boolean') el[k] = v;
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  if (value !== undefined) el.value = value;
  return el;
}

export function append(el, children) {
  for (const c of [children].flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

export function option(value, label, selected = false) {
  const o = h('option', { value }, label);
  o.selected = selected;
  return o;
}

// replaceChildren that skips null/false (conditional parts) instead of printing "null".
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}
