// 工单打印: one work order on paper: its form data, history and canvas, without the console's
// navigation (the print stylesheet lays it out for A4).
import { get, plainVariables } from '../api.js';
import { h, clear, time } from '../dom.js';
import { t } from '../i18n.js';
import { mountForm } from '../forms.js';
import { mountCanvas } from '../canvas.js';
import { timeline } from '../timeline.js';

export async function printPage(main, params) {
  const id = params.id;
  document.body.classList.add('printing');
  const [detail, variables] = await Promise.all([get(`/process-instance/${id}/detail`), get(`/process-instance/${id}/variables`)]);
  const pi = detail.processInstance;
  const form = await get(`/ordo/workorder/definitions/${pi.definitionId}/start-form`);
  const formBox = h('div.form-box');
  const canvasBox = h('section.print-canvas');
  clear(main,
    h('header.print-head', {},
      h('h1', {}, detail.processDefinitionName),
      h('p', {}, `${t('workOrder')} ${id} · ${t('state')}: ${pi.ordoState} · ${t('printedAt')}: ${time(new Date().toISOString())}`),
      h('button.no-print', { type: 'button', onclick: () => window.print() }, t('print'))),
    h('section', {}, h('h2', {}, t('data')), formBox),
    h('section', {}, h('h2', {}, t('history')), await timeline(id)),
    h('section', {}, h('h2', {}, t('canvas')), canvasBox));
  await mountForm(formBox, form.formContent, plainVariables(variables), { readOnly: true });
  await mountCanvas(canvasBox, id, pi.definitionId);
}
