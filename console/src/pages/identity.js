// Users and roles (Camunda's groups) of the server, and the work-order center's application
// credentials (apps and services).
import { get, post, put, del } from '../api.js';
import { h, clear, table, time, attempt } from '../dom.js';
import { t } from '../i18n.js';


// The departments the users name, and their parents up to the root (the server lists none).
async function departmentsOf(users) {
  const found = new Map();
  let next = [...new Set(users.map((u) => u.ordoDepartment).filter(Boolean))];
  while (next.length) {
    const got = await Promise.all(next.filter((id) => !found.has(id)).map((id) => get(`/ordo/departments/${encodeURIComponent(id)}`).catch(() => null)));
    for (const d of got.filter(Boolean)) found.set(d.id, d);
    next = got.filter((d) => d && d.parent && !found.has(d.parent)).map((d) => d.parent);
  }
  return [...found.values()].sort((a, b) => a.id.localeCompare(b.id));
}

export async function identityPage(main) {
  const [users, groups] = await Promise.all([get('/user'), get('/group')]);
  const departments = await departmentsOf(users);
  const nd = { id: h('input', { name: 'departmentId', placeholder: t('id') }), name: h('input', { name: 'departmentName', placeholder: t('name') }),
    parent: h('input', { name: 'departmentParent', placeholder: t('parent') }), leader: h('input', { name: 'departmentLeader', placeholder: t('leader') }) };
  const reload = () => identityPage(main);
  const f = (name, attrs = {}) => h('input', { name, placeholder: t(name === 'userId' ? 'id' : name), ...attrs });
  const nu = { id: f('userId'), name: f('name'), department: f('departments'), password: f('password', { type: 'password' }) };
  const ng = { id: f('groupId', { placeholder: t('id') }), name: f('groupName', { placeholder: t('name') }) };
  const member = { user: f('memberUser', { placeholder: t('user') }), group: f('memberGroup', { placeholder: t('roles') }) };
  clear(main, h('h1', {}, t('identity')),
    h('section.panel', {}, h('h2', {}, t('userList')),
      table([
        { title: t('id'), cell: (u) => u.id },
        { title: t('name'), cell: (u) => [u.firstName, u.lastName].filter(Boolean).join(' ') },
        { title: t('departments'), cell: (u) => u.ordoDepartment || '' },
        { title: t('roles'), cell: (u) => (u.ordoGroups || []).join(', ') },
        { title: '', cell: (u) => h('button', { type: 'button', 'data-remove-user': u.id, onclick: () => attempt(() => del(`/user/${encodeURIComponent(u.id)}`), reload) }, t('remove')) },
      ], users, { 'data-test': 'users' }),
      h('form.filters', {
        onsubmit: (e) => {
          e.preventDefault();
          const [firstName, ...rest] = nu.name.value.trim().split(' ');
          attempt(() => post('/user/create', {
            profile: { id: nu.id.value.trim(), firstName, lastName: rest.join(' '), ordoDepartment: nu.department.value.trim() || undefined },
            credentials: { password: nu.password.value },
          }), reload);
        },
      }, nu.id, nu.name, nu.department, nu.password, h('button', { type: 'submit' }, t('save')))),
    h('section.panel', {}, h('h2', {}, t('roles')),
      table([
        { title: t('id'), cell: (g) => g.id },
        { title: t('name'), cell: (g) => g.name },
        { title: t('members'), cell: (g) => users.filter((u) => (u.ordoGroups || []).includes(g.id)).map((u) => u.id).join(', ') },
      ], groups, { 'data-test': 'groups' }),
      h('form.filters', { onsubmit: (e) => { e.preventDefault(); attempt(() => post('/group/create', { id: ng.id.value.trim(), name: ng.name.value.trim() }), reload); } },
        ng.id, ng.name, h('button', { type: 'submit' }, t('save'))),
      h('form.filters', { onsubmit: (e) => { e.preventDefault(); attempt(() => put(`/group/${encodeURIComponent(member.group.value.trim())}/members/${encodeURIComponent(member.user.value.trim())}`), reload); } },
        member.user, member.group, h('button', { type: 'submit' }, t('members'), ' +'))),
    h('section.panel', {}, h('h2', {}, t('departments')),
      table([
        { title: t('id'), cell: (d) => d.id },
        { title: t('name'), cell: (d) => d.name },
        { title: t('parent'), cell: (d) => d.parent || '' },
        { title: t('leader'), cell: (d) => d.leader || '' },
      ], departments, { 'data-test': 'departments' }),
      h('form.filters', {
        'data-test': 'department-form',
        onsubmit: (e) => {
          e.preventDefault();
          const id = nd.id.value.trim();
          const fields = { name: nd.name.value.trim(), parent: nd.parent.value.trim(), leader: nd.leader.value.trim() };
          // A department listed here is changed; any other id is created (the server refuses one that exists).
          attempt(() => (departments.some((d) => d.id === id)
            ? put(`/ordo/departments/${encodeURIComponent(id)}`, fields)
            : post('/ordo/departments', { id, ...fields })), reload);
        },
      }, nd.id, nd.name, nd.parent, nd.leader, h('button', { type: 'submit' }, t('save')))));
}

export async function credentialsPage(main) {
  const clients = await get('/ordo/workorder/clients');
  const reload = () => credentialsPage(main);
  const kind = h('select', { name: 'kind' }, h('option', { value: 'app' }, t('apps')), h('option', { value: 'service' }, t('services')));
  const id = h('input', { name: 'clientId', placeholder: t('id') });
  const name = h('input', { name: 'clientName', placeholder: t('name') });
  const secret = h('input', { name: 'secret', placeholder: t('secret'), type: 'password' });
  clear(main, h('h1', {}, t('credentials')),
    table([
      { title: t('kind'), cell: (c) => c.kind },
      { title: t('id'), cell: (c) => c.id },
      { title: t('name'), cell: (c) => c.name },
      { title: t('created'), cell: (c) => time(c.createdAt) },
      { title: '', cell: (c) => h('button', { type: 'button', onclick: () => attempt(() => del(`/ordo/workorder/clients/${encodeURIComponent(c.id)}?kind=${c.kind}`), reload) }, t('remove')) },
    ], clients, { 'data-test': 'clients' }),
    h('form.filters', {
      onsubmit: (e) => {
        e.preventDefault();
        attempt(() => post('/ordo/workorder/clients', { kind: kind.value, id: id.value.trim(), name: name.value.trim(), secret: secret.value || undefined }), reload);
      },
    }, kind, id, name, secret, h('button', { type: 'submit' }, t('save'))));
}
