// The console's shell: the sign-in gate, the header with its navigation and user menu, and the
// page the path names.
import './style.css';
import { refreshUnread } from './unread.js';
import { h, clear, clearNotice, notice } from './dom.js';
import { t, language, setLanguage } from './i18n.js';
import { session } from './session.js';
import { route, resolve, startRouter, href, go } from './router.js';
import { loginPage } from './pages/login.js';
import { hallPage } from './pages/hall.js';
import { startListPage, startFormPage } from './pages/start.js';
import { taskPage } from './pages/task.js';
import { instancePage } from './pages/instance.js';
import { printPage } from './pages/print.js';
import { inboxPage } from './pages/inbox.js';
import { adminInstancesPage, incidentsPage } from './pages/admin.js';
import { identityPage, credentialsPage } from './pages/identity.js';
import { reportsPage, monitorPage } from './pages/reports.js';
import { designPage } from './pages/design.js';

route('/', hallPage);
route('/hall/:type', hallPage);
route('/start', startListPage);
route('/start/:definitionId', startFormPage);
route('/draft/:instanceId', startFormPage);
route('/task/:id', taskPage);
route('/instance/:id', instancePage);
route('/print/:id', printPage);
route('/inbox', inboxPage);
route('/admin/instances', adminInstancesPage);
route('/admin/incidents', incidentsPage);
route('/admin/identity', identityPage);
route('/admin/credentials', credentialsPage);
route('/reports', reportsPage);
route('/monitor', monitorPage);
route('/design', designPage);

setLanguage(language());
const app = document.getElementById('app');

function navigation() {
  const links = [
    ['/', 'hall'], ['/start', 'start'], ['/inbox', 'inbox'],
  ];
  if (session.admin())
    links.push(['/design', 'design'], ['/admin/instances', 'instances'], ['/admin/incidents', 'incidents'],
      ['/admin/identity', 'identity'], ['/admin/credentials', 'credentials'], ['/reports', 'reports'], ['/monitor', 'monitor']);
  const here = location.pathname.replace(/\/$/, '') || '/console';
  return links.map(([to, key]) => {
    const target = href(to).replace(/\/$/, '');
    const current = here === target || (to !== '/' && here.startsWith(target));
    return h('a', { href: href(to), class: current ? 'current' : '', 'data-nav': key }, t(key),
      key === 'inbox' ? h('span.badge', { id: 'unread' }) : null);
  });
}

function header() {
  const nav = h('nav.links', { id: 'nav' }, navigation());
  const menu = h('div.user-menu', {},
    h('button.user', { type: 'button', 'data-test': 'user-menu', onclick: () => menu.classList.toggle('open') }, session.user()),
    h('div.menu', {},
      h('div.who', {}, t('signedInAs'), ' ', h('b', {}, session.state.name || session.user())),
      h('button', { type: 'button', 'data-test': 'sign-out', onclick: () => { session.clear(); go('/'); } }, t('signOut'))));
  return h('header.top', {},
    h('button.burger', { type: 'button', 'aria-label': t('menu'), onclick: () => nav.classList.toggle('open') }, '☰'),
    h('a.brand', { href: href('/') }, t('appName')),
    nav,
    h('button.lang', { type: 'button', 'data-test': 'language', onclick: () => { setLanguage(language() === 'zh' ? 'en' : 'zh'); render(); } }, t('language')),
    menu);
}

async function render() {
  clearNotice();
  if (!session.state) {
    clear(app, h('main.page', {}, h('div', { id: 'notice' }), loginPage(render)));
    return;
  }
  const found = resolve(location.pathname);
  const main = h('main.page', { id: 'page' });
  const printing = found && found.page === printPage;
  clear(app, printing ? null : header(), h('div', { id: 'notice' }), main);
  if (!found) {
    main.append(h('h1', {}, t('notFound')));
    return;
  }
  try {
    await found.page(main, found.params, new URLSearchParams(location.search));
  } catch (e) {
    if (e.status === 401) {
      session.clear();
      return render();
    }
    notice('error', e.message);
  }
  refreshUnread();
}

startRouter(render);
