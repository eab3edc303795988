// The one way the console reaches the server: its public REST API under /engine-rest, with the
// signed-in user's credentials; a refusal becomes an ApiError carrying the server's message.
import { session } from './session.js';

export const REST = '/engine-rest';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export async function api(method, path, body, { auth = session.authorization() } = {}) {
  const headers = { Accept: 'application/json' };
  if (auth) headers.Authorization = auth;
  // The credentials travel in the header; 'omit' also keeps the browser from prompting for a
  // password on a 401 (the server names Basic in WWW-Authenticate).
  const init = { method, headers, credentials: 'omit' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const reply = await fetch(REST + path, init);
  const text = await reply.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = text;
  }
  if (!reply.ok) {
    const message = (data && typeof data === 'object' && (data.message || data.detail || data.title)) || `${reply.status} ${reply.statusText}`;
    throw new ApiError(reply.status, message, data);
  }
  return data;
}

export const get = (path, query) => api('GET', path + queryString(query));
export const post = (path, body = {}) => api('POST', path, body);
export const put = (path, body = {}) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

export function queryString(query) {
  if (!query) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

// Camunda's typed variables: {name: {value, type}} both ways.
export function typedVariables(data) {
  const out = {};
  for (const [k, v] of Object.entries(data || {})) {
    if (v === undefined) continue;
    if (v !== null && typeof v === 'object') out[k] = { value: JSON.stringify(v), type: 'Json' };
    else out[k] = { value: v };
  }
  return out;
}

export function plainVariables(typed) {
  const out = {};
  for (const [k, v] of Object.entries(typed || {})) {
    let value = v && typeof v === 'object' && 'value' in v ? v.value : v;
    if (v && v.type === 'Json' && typeof value === 'string') {
      try {
        value = JSON.parse(value);
      } catch {
        /* keep the text */
      }
    }
    out[k] = value;
  }
  return out;
}
