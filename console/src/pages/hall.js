// 工单大厅: the user's five lists with their counts, filters by process and start time.
import { get } from '../api.js';
import { h, clear, table, time } from '../dom.js';
import { t } from '../i18n.js';
import { href, go } from '../router.js';

export const LISTS = ['todo', 'done', 'started', 'cc', 'drafts'];

function target(type, item) {
  if (type === 'todo' && item.task) return href(`/task/${item.task.id}`);
  if (type === 'drafts') return href(`/draft/${item.processInstance.id}`);
  return href(`/instance/${item.processInstance.id}`);
}

export async function hallPage(main, params, query) {
  const type = LISTS.includes(params.type) ? params.type : 'todo';
  const counts = await get('/ordo/lists');
  const filters = {
    processDefinitionNameLike: query.get('name') || '',
    startedAfter: query.get('after') || '',
    startedBefore: query.get('before') || '',
  };
  const name = h('input', { name: 'name', value: filters.processDefinitionNameLike, placeholder: t('processName') });
  const after = h('input', { name: 'after', type: 'date', value: filters.startedAfter });
  const before = h('input', { name: 'before', type: 'date', value: filters.startedBefore });
  const tabs = h('div.tabs', { role: 'tablist' }, LISTS.map((l) =>
    h('a', { href: href(`/hall/${l}`), class: l === type ? 'current' : '', 'data-list': l },
      t(l), ' ', h('span.count', { 'data-count': l }, counts[l] ?? 0))));
  const filterForm = h('form.filters', {
    onsubmit: (e) => {
      e.preventDefault();
      const q = new URLSearchParams();
      if (name.value) q.set('name', name.value);
      if (after.value) q.set('after', after.value);
      if (before.value) q.set('before', before.value);
      go(`/hall/${type}${q.toString() ? '?' + q : ''}`);
    },
  }, name, h('label', {}, t('startedAfter'), after), h('label', {}, t('startedBefore'), before),
  h('button', { type: 'submit' }, t('filter')));
  const list = await get(`/ordo/lists/${type}`, {
    processDefinitionNameLike: filters.processDefinitionNameLike,
    startedAfter: filters.startedAfter,
    startedBefore: filters.startedBefore ? filters.startedBefore + 'T23:59:59' : '',
    maxResults: 100,
  });
  const columns = [
    { title: t('process'), cell: (i) => h('a', { href: target(type, i), 'data-open': i.task ? i.task.id : i.processInstance.id }, i.processDefinitionName || i.processInstance.definitionKey) },
    { title: t('task'), cell: (i) => (i.task ? i.task.name : '') },
    { title: t('state'), cell: (i) => i.processInstance.ordoState },
    { title: t('created'), cell: (i) => time(i.task ? i.task.created : i.processInstance.startTime) },
  ];
  clear(main, h('h1', {}, t('hall')), tabs, filterForm,
    table(columns, list.items || [], { 'data-test': 'list-' + type }),
    h('p.muted', {}, `${t('count')}: ${list.count ?? (list.items || []).length}`));
}
