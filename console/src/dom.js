// Small DOM helpers: h() builds elements, the notice shows the server's answer to an action.
import { t } from './i18n.js';
export function h(tag, attrs = {}, ...children) {
  const [name, ...classes] = tag.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className += (el.className ? ' ' : '') + v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

// A line under the page title: the outcome of the last action (role=alert for refusals).
export function notice(kind, text) {
  const area = document.getElementById('notice');
  if (!area) return;
  clear(area, h('div.notice.' + kind, { role: kind === 'error' ? 'alert' : 'status', 'data-test': 'notice-' + kind }, text));
}

export function clearNotice() {
  const area = document.getElementById('notice');
  if (area) area.replaceChildren();
}

export function time(iso) {
  if (!iso) return '';
  const d = new Date(iso.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'));
  return isNaN(d) ? iso : d.toLocaleString();
}

export function table(columns, rows, attrs = {}) {
  return h('table.grid', attrs,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', {}, c.title)))),
    h('tbody', {}, rows.length
      ? rows.map((r) => h('tr', {}, columns.map((c) => h('td', { 'data-label': c.title }, c.cell(r)))))
      : h('tr', {}, h('td.empty', { colspan: columns.length }, '—'))));
}

// Runs an action against the server, then `after` (a reload, a new page); a refusal shows the
// server's own message. Returns whether it was accepted.
export async function attempt(action, after) {
  try {
    await action();
    if (after) await after();
    notice('ok', t('done_ok'));
    return true;
  } catch (e) {
    notice('error', e.message);
    return false;
  }
}
