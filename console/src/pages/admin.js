// 管理: every instance with filters (state, definition, initiator, started between) and the
// administrator's actions on it; open incidents with their error and a retry.
import { get, post, put, del } from '../api.js';
import { h, clear, table, time, attempt } from '../dom.js';
import { t } from '../i18n.js';
import { href, go } from '../router.js';

const STATES = { running: { unfinished: true }, finished: { finished: true } };

export async function adminInstancesPage(main, _params, query) {
  const f = Object.fromEntries(['state', 'key', 'initiator', 'after', 'before'].map((k) => [k, query.get(k) || '']));
  const defs = await get('/process-definition', { latestVersion: true });
  const rows = await get('/history/process-instance', {
    ...(STATES[f.state] || {}),
    processDefinitionKey: f.key,
    startedBy: f.initiator,
    startedAfter: f.after ? f.after + 'T00:00:00' : '',
    startedBefore: f.before ? f.before + 'T23:59:59' : '',
    sortBy: 'startTime',
    sortOrder: 'desc',
    maxResults: 200,
  });
  const input = (name, attrs = {}) => h('input', { name, value: f[name], ...attrs });
  const state = h('select', { name: 'state' }, ['', 'running', 'finished'].map((s) => h('option', { value: s, selected: s === f.state }, t(s || 'any'))));
  const key = h('select', { name: 'key' }, h('option', { value: '' }, t('any')),
    defs.map((d) => h('option', { value: d.key, selected: d.key === f.key }, d.name || d.key)));
  const filters = h('form.filters', {
    onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams(new FormData(e.target));
      for (const [k, v] of [...q]) if (!v) q.delete(k);
      go(`/admin/instances${q.toString() ? '?' + q : ''}`);
    },
  }, h('label', {}, t('state'), state), h('label', {}, t('definition'), key),
  h('label', {}, t('initiator'), input('initiator')),
  h('label', {}, t('startedAfter'), input('after', { type: 'date' })),
  h('label', {}, t('startedBefore'), input('before', { type: 'date' })),
  h('button', { type: 'submit' }, t('search')));
  const act = (call) => attempt(call, () => adminInstancesPage(main, _params, query));
  const jumpTo = (r) => {
    const to = h('input', { name: 'jump-' + r.id, placeholder: t('node'), size: 10 });
    return h('span.inline', {}, to, h('button', { type: 'button', 'data-action': 'jump', onclick: () => act(() => post(`/process-instance/${r.id}/jump`, { activityId: to.value.trim() })) }, t('jump')));
  };
  clear(main, h('h1', {}, t('instances')), filters,
    table([
      { title: t('id'), cell: (r) => h('a', { href: href(`/instance/${r.id}`) }, r.id) },
      { title: t('process'), cell: (r) => `${r.processDefinitionName || r.processDefinitionKey} v${r.processDefinitionVersion}` },
      { title: t('initiator'), cell: (r) => r.startUserId || '' },
      { title: t('startedAt'), cell: (r) => time(r.startTime) },
      { title: t('state'), cell: (r) => h('span', { 'data-state': r.ordoState }, r.ordoState) },
      { title: t('actions'), cell: (r) => r.endTime ? '' : h('div.inline', { 'data-row': r.id },
        h('button', { type: 'button', 'data-action': r.ordoState === 'suspended' ? 'resume' : 'suspend', onclick: () => act(() => put(`/process-instance/${r.id}/suspended`, { suspended: r.ordoState !== 'suspended' })) }, t(r.ordoState === 'suspended' ? 'resume' : 'suspend')),
        h('button', { type: 'button', 'data-action': 'terminate', onclick: () => act(() => post(`/process-instance/${r.id}/terminate`, {})) }, t('terminate')),
        h('button', { type: 'button', 'data-action': 'invalidate', onclick: () => act(() => post(`/process-instance/${r.id}/invalidate`, {})) }, t('invalidate')),
        jumpTo(r)) },
    ], rows, { 'data-test': 'instances' }),
    h('p.muted', {}, `${t('count')}: ${rows.length}`));
}

export async function incidentsPage(main) {
  const incidents = await get('/incident', { maxResults: 200 });
  const retry = (i) => attempt(() => del(`/incident/${i.id}`), () => incidentsPage(main));
  clear(main, h('h1', {}, t('incidents')),
    table([
      { title: t('id'), cell: (i) => i.id },
      { title: t('instance'), cell: (i) => h('a', { href: href(`/instance/${i.processInstanceId}`) }, i.processInstanceId) },
      { title: t('node'), cell: (i) => i.activityId },
      { title: t('type'), cell: (i) => i.incidentType },
      { title: t('error'), cell: (i) => h('code', {}, i.incidentMessage || '') },
      { title: t('when'), cell: (i) => time(i.incidentTimestamp) },
      { title: '', cell: (i) => h('button', { type: 'button', 'data-retry': i.id, onclick: () => retry(i) }, t('retry')) },
    ], incidents, { 'data-test': 'incidents' }));
}
