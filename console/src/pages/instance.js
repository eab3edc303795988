// An instance as its initiator or an approver sees it: state, form data, history, canvas, and
// the instance-wide actions (withdraw, urge, cc, terminate, invalidate).
import { get, post, plainVariables } from '../api.js';
import { h, clear, attempt } from '../dom.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { mountForm } from '../forms.js';
import { mountCanvas } from '../canvas.js';
import { timeline } from '../timeline.js';

export async function instancePage(main, params) {
  const id = params.id;
  const [detail, variables] = await Promise.all([
    get(`/process-instance/${id}/detail`),
    get(`/process-instance/${id}/variables`),
  ]);
  const pi = detail.processInstance;
  const form = await get(`/ordo/workorder/definitions/${pi.definitionId}/start-form`);
  const formBox = h('div.form-box');
  const history = h('section.panel', {}, h('h2', {}, t('history')));
  const canvasBox = h('section.panel.wide', {}, h('h2', {}, t('canvas')));
  const reason = h('input', { name: 'reason', placeholder: t('reason') });
  const ccUsers = h('input', { name: 'ccUsers', placeholder: t('users') });
  const act = (call) => attempt(call, () => instancePage(main, params));
  const openTasks = detail.openTasks || [];
  clear(main,
    h('h1', {}, detail.processDefinitionName, ' · ', t('instance'), ' ', id),
    h('p', {}, `${t('state')}: `, h('b', { 'data-test': 'instance-state' }, pi.ordoState), ' · ',
      openTasks.map((x) => h('span.tag', {}, x.name, ' (', x.assignee || '—', ')')), ' ',
      h('a', { href: href(`/print/${id}`), target: '_blank', 'data-test': 'print-link' }, t('print'))),
    h('div.columns', {},
      h('section.panel', {}, h('h2', {}, t('data')), formBox,
        h('div.actions', {},
          h('div.row', {},
            h('button', { type: 'button', 'data-action': 'withdraw', onclick: () => act(() => post(`/process-instance/${id}/withdraw`, {})) }, t('withdraw')),
            h('button', { type: 'button', 'data-action': 'urge', onclick: () => act(() => Promise.all(openTasks.map((x) => post(`/task/${x.id}/urge`, {})))) }, t('urge'))),
          h('div.row', {}, ccUsers,
            h('button', { type: 'button', 'data-action': 'cc', onclick: () => act(() => post(`/process-instance/${id}/cc`, { userIds: ccUsers.value.split(/[,，\s]+/).filter(Boolean) })) }, t('ccAction'))),
          h('div.row', {}, reason,
            h('button', { type: 'button', 'data-action': 'terminate', onclick: () => act(() => post(`/process-instance/${id}/terminate`, { reason: reason.value })) }, t('terminate')),
            h('button', { type: 'button', 'data-action': 'invalidate', onclick: () => act(() => post(`/process-instance/${id}/invalidate`, { reason: reason.value })) }, t('invalidate'))))),
      history),
    canvasBox);
  await mountForm(formBox, form.formContent, plainVariables(variables), { readOnly: true });
  history.append(await timeline(id));
  await mountCanvas(canvasBox, id, pi.definitionId);
}
