// 发起: the definitions the user may start, and a start page with the definition's start form
// (also for a draft, 草稿, which it submits).
import { get, post, typedVariables, plainVariables } from '../api.js';
import { h, clear, notice } from '../dom.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { href, go } from '../router.js';
import { mountForm, validData } from '../forms.js';

export async function startListPage(main) {
  const defs = await get('/ordo/startable');
  clear(main, h('h1', {}, t('start_title')),
    h('div.cards', {}, defs.map((d) =>
      h('a.card.process', { href: href(`/start/${d.id}`), 'data-start': d.key },
        h('b', {}, d.name || d.key), h('span.muted', {}, `${d.key} · v${d.version}`)))));
}

// The applicant's node (ordo:assigneeRule="initiator") right after the start is the submission
// the start form just made: the console completes it with the same data.
async function submitOwnFirstTask(instanceId, data) {
  const tasks = await get('/task', { processInstanceId: instanceId });
  const own = tasks.find((x) => x.assignee === session.user());
  if (own) await post(`/task/${own.id}/complete`, { variables: typedVariables(data) });
}

export async function startFormPage(main, params) {
  let definition, data = {}, draftId = params.instanceId;
  if (draftId) {
    const inst = await get(`/process-instance/${draftId}`);
    definition = await get(`/process-definition/${inst.definitionId}`);
    data = plainVariables(await get(`/process-instance/${draftId}/variables`));
  } else {
    definition = await get(`/process-definition/${params.definitionId}`);
  }
  const form = await get(`/ordo/workorder/definitions/${definition.id}/start-form`);
  const formBox = h('div.form-box', { 'data-test': 'start-form' });
  clear(main, h('h1', {}, t('start'), ': ', definition.name || definition.key), formBox);
  const mounted = await mountForm(formBox, form.formContent, data);
  const submit = async () => {
    const v = validData(mounted);
    if (!v) return;
    try {
      let instance;
      if (draftId) instance = await post(`/process-instance/${draftId}/submit`, { variables: typedVariables(v) });
      else instance = await post(`/process-definition/${definition.id}/start`, { variables: typedVariables(v) });
      const id = instance && instance.id ? instance.id : draftId;
      await submitOwnFirstTask(id, v);
      go(`/instance/${id}`);
      notice('ok', t('started_ok'));
    } catch (e) {
      notice('error', e.message);
    }
  };
  const saveDraft = async () => {
    const v = mounted.values().data;
    try {
      const d = await post(`/process-definition/key/${encodeURIComponent(definition.key)}/draft`, { variables: typedVariables(v) });
      notice('ok', t('saveDraft') + ' ✓');
      if (d && d.id) draftId = d.id;
    } catch (e) {
      notice('error', e.message);
    }
  };
  main.append(h('div.actions', {},
    h('button.primary', { type: 'button', 'data-action': 'submit', onclick: submit }, t('submit')),
    draftId ? null : h('button', { type: 'button', 'data-action': 'draft', onclick: saveDraft }, t('saveDraft'))));
}
