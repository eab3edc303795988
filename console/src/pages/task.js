// A task page: its form with the instance's data, the history timeline, the instance canvas,
// and every approval action the engine has. The server decides what is allowed: a refused
// action shows the server's message, so the buttons are all there.
import { get, post, typedVariables, plainVariables } from '../api.js';
import { h, clear, notice, attempt } from '../dom.js';
import { t } from '../i18n.js';
import { go, href } from '../router.js';
import { session } from '../session.js';
import { mountForm, validData } from '../forms.js';
import { mountCanvas } from '../canvas.js';
import { timeline } from '../timeline.js';

const list = (s) => s.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean);

export async function taskPage(main, params) {
  const task = await get(`/task/${params.id}`);
  const [form, variables, detail] = await Promise.all([
    get(`/ordo/workorder/tasks/${task.id}/form`),
    get(`/task/${task.id}/form-variables`),
    get(`/process-instance/${task.processInstanceId}/detail`),
  ]);
  const formBox = h('div.form-box', { 'data-test': 'task-form' });
  const comment = h('textarea', { name: 'comment', rows: 2, placeholder: t('comment') });
  const history = h('section.panel', {}, h('h2', {}, t('history')));
  const canvasBox = h('section.panel.wide', {}, h('h2', {}, t('canvas')));
  const actions = h('div.actions', { 'data-test': 'actions' });
  const allowed = new Set(detail.allowedActions || []);
  clear(main,
    h('h1', {}, detail.processDefinitionName, ' · ', task.name),
    h('p.muted', {}, `${t('assignee')}: ${task.assignee || '—'} · `,
      h('a', { href: href(`/instance/${task.processInstanceId}`) }, `${t('instance')} ${task.processInstanceId}`), ' · ',
      h('a', { href: href(`/print/${task.processInstanceId}`), target: '_blank' }, t('print'))),
    h('div.columns', {},
      h('section.panel', {}, h('h2', {}, t('form')), formBox, h('label', {}, t('comment'), comment), actions),
      history),
    canvasBox);
  const mounted = await mountForm(formBox, form.formContent, plainVariables(variables));

  // An accepted action leaves the task page (`next`) or stays on it.
  const done = (call, next) => attempt(call, next ? () => go(next) : null);
  const ask = (label, input) => h('label.inline', {}, label, input);
  const returnTo = h('select', { name: 'returnTo' });
  const target = h('input', { name: 'targetUser', list: 'known-users', placeholder: t('targetUser') });
  const signers = h('input', { name: 'signers', list: 'known-users', placeholder: t('users') });
  const position = h('select', { name: 'position' }, ['parallel', 'before', 'after'].map((p) => h('option', { value: p }, t(p))));
  const ccUsers = h('input', { name: 'ccUsers', list: 'known-users', placeholder: t('users') });
  const button = (action, key, run, primary) =>
    h('button', { type: 'button', 'data-action': action, class: (primary ? 'primary ' : '') + (allowed.has(action) ? 'allowed' : ''), onclick: run }, t(key));
  const base = { comment: undefined };
  const withComment = (b = {}) => ({ ...b, comment: comment.value || base.comment });

  actions.append(
    h('div.row', {},
      button('complete', 'approve', () => {
        const data = validData(mounted);
        if (data) done(() => post(`/task/${task.id}/complete`, { variables: typedVariables(data), ...withComment() }), '/');
      }, true),
      button('reject', 'reject', () => done(() => post(`/task/${task.id}/reject`, withComment()), '/')),
      button('saveDraft', 'saveDraft', () => done(() => post(`/task/${task.id}/variables`, { modifications: typedVariables(mounted.values().data) })))),
    h('div.row', {}, ask(t('returnTo'), returnTo),
      button('return', 'return', () => done(() => post(`/task/${task.id}/return`, withComment({ activityId: returnTo.value })), '/'))),
    h('div.row', {}, ask(t('targetUser'), target),
      button('transfer', 'transfer', () => done(() => post(`/task/${task.id}/transfer`, withComment({ targetUserId: target.value.trim() })), '/')),
      button('delegate', 'delegate', () => done(() => post(`/task/${task.id}/delegate`, { userId: target.value.trim() }), '/'))),
    h('div.row', {}, ask(t('addSigners'), signers), position,
      button('addSigners', 'addSigners', () => done(() => post(`/task/${task.id}/add-signers`, withComment({ userIds: list(signers.value), position: position.value }))))),
    h('div.row', {}, ask(t('ccAction'), ccUsers),
      button('cc', 'ccAction', () => done(() => post(`/task/${task.id}/cc`, withComment({ userIds: list(ccUsers.value) }))))),
    h('div.row', {},
      button('urge', 'urge', () => done(() => post(`/task/${task.id}/urge`, withComment()))),
      button('withdraw', 'withdraw', () => done(() => post(`/process-instance/${task.processInstanceId}/withdraw`, {}), `/instance/${task.processInstanceId}`)),
      task.delegationState === 'PENDING' ? button('resolve', 'resolve', () => done(() => post(`/task/${task.id}/resolve`, { variables: typedVariables(mounted.values().data) }), '/')) : null,
      !task.assignee ? button('claim', 'claim', () => done(() => post(`/task/${task.id}/claim`, { userId: session.user() }))) : null));

  // What the page needs but does not wait for: returnable nodes, known users, history, canvas.
  Promise.all([get(`/task/${task.id}/returnable`), get(`/process-instance/${task.processInstanceId}/canvas`)]).then(([nodes, canvas]) => {
    const name = Object.fromEntries(canvas.nodes.map((n) => [n.id, n.name]));
    returnTo.replaceChildren(...nodes.map((n) => h('option', { value: n.activityId }, name[n.activityId] || n.activityId)));
    if (!nodes.length) returnTo.append(h('option', { value: '' }, '—'));
  }).catch((e) => notice('error', e.message));
  get('/user').then((users) => {
    main.append(h('datalist', { id: 'known-users' }, users.map((u) => h('option', { value: u.id }, [u.firstName, u.lastName].filter(Boolean).join(' ')))));
  }).catch(() => {});
  timeline(task.processInstanceId).then((el) => history.append(el)).catch((e) => notice('error', e.message));
  await mountCanvas(canvasBox, task.processInstanceId, task.processDefinitionId).catch((e) => notice('error', e.message));
}
