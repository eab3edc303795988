// 消息: the inbox (todo, cc, urge, ended ...) with unread counts by type; reading marks read.
import { get, post } from '../api.js';
import { h, clear, table, time, attempt } from '../dom.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { refreshUnread } from '../unread.js';

export async function inboxPage(main, _params, query) {
  const type = query.get('type') || '';
  const [counts, messages] = await Promise.all([get('/ordo/inbox/count'), get('/ordo/inbox', { type, maxResults: 100 })]);
  const items = Array.isArray(messages) ? messages : messages.items || [];
  const read = (m) => attempt(() => post(`/ordo/inbox/${m.id}/read`, { read: true }), async () => {
    await inboxPage(main, _params, query);
    await refreshUnread();
  });
  clear(main, h('h1', {}, t('inbox')),
    h('div.tabs', {}, h('a', { href: href('/inbox'), class: type ? '' : 'current' }, t('any')),
      Object.entries(counts).map(([k, n]) => h('a', { href: href(`/inbox?type=${k}`), class: k === type ? 'current' : '', 'data-unread': k }, k, ' ', h('span.count', {}, n)))),
    table([
      { title: t('type'), cell: (m) => m.type },
      { title: t('message'), cell: (m) => h(m.read ? 'span' : 'b', {}, m.title || m.text || m.content || '') },
      { title: t('instance'), cell: (m) => (m.processInstanceId ? h('a', { href: href(m.taskId && m.type === 'todo' ? `/task/${m.taskId}` : `/instance/${m.processInstanceId}`) }, m.processInstanceId) : '') },
      { title: t('when'), cell: (m) => time(m.created) },
      { title: '', cell: (m) => (m.read ? '' : h('button', { type: 'button', 'data-read': m.id, onclick: () => read(m) }, t('markRead'))) },
    ], items, { 'data-test': 'inbox' }));
}
