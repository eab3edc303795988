// 流程设计: the BPMN modeler (bpmn-js with its properties panel and Ordo's group), the start
// form's designer (form-js editor), deploy with the form, versions with publish and offline,
// and the diff of two versions' XML.
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import '@bpmn-io/form-js/dist/assets/form-js-editor.css';
import { get, post, put } from '../api.js';
import { h, clear, notice, table } from '../dom.js';
import { t } from '../i18n.js';
import { ordoModdle, flowableModdle } from '../design/moddle.js';
import { lineDiff } from '../design/diff.js';

const EMPTY = (id) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI"
  xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:ordo="http://ordo.dev/bpmn" xmlns:flowable="http://flowable.org/bpmn"
  id="${id}Definitions" targetNamespace="http://ordo.dev/console">
  <process id="${id}" name="${id}" isExecutable="true"><startEvent id="start" /></process>
  <bpmndi:BPMNDiagram id="diagram"><bpmndi:BPMNPlane id="plane" bpmnElement="${id}">
    <bpmndi:BPMNShape id="start_di" bpmnElement="start"><dc:Bounds x="160" y="160" width="36" height="36" /></bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</definitions>`;

function versionsTable(defs, reload, open, compare) {
  const picked = new Set();
  const publication = async (d, value) => {
    try {
      await put(`/ordo/workorder/definitions/${d.id}/publication`, { publication: value });
      await reload();
      notice('ok', t('done_ok'));
    } catch (e) {
      notice('error', e.message);
    }
  };
  return h('div', {},
    table([
      { title: '', cell: (d) => h('input', { type: 'checkbox', 'data-pick': d.id, onchange: (e) => (e.target.checked ? picked.add(d.id) : picked.delete(d.id)) }) },
      { title: t('process'), cell: (d) => h('a', { href: '#', 'data-edit': d.id, onclick: (e) => { e.preventDefault(); open(d); } }, d.name || d.key) },
      { title: t('version'), cell: (d) => `v${d.version}` },
      { title: t('state'), cell: (d) => h('span', { 'data-publication': d.id }, d.ordoPublication || (d.suspended ? 'suspended' : '')) },
      { title: t('actions'), cell: (d) => h('div.inline', {},
        h('button', { type: 'button', 'data-publish': d.id, onclick: () => publication(d, 'published') }, t('publish')),
        h('button', { type: 'button', 'data-offline': d.id, onclick: () => publication(d, 'offline') }, t('offline'))) },
    ], defs, { 'data-test': 'versions' }),
    h('button', { type: 'button', 'data-action': 'diff', onclick: () => compare([...picked]) }, t('diff')));
}

export async function designPage(main) {
  const [{ default: Modeler }, panel, { OrdoPropertiesModule }] = await Promise.all([
    import('bpmn-js/lib/Modeler'),
    import('bpmn-js-properties-panel'),
    import('../design/ordo-properties.js'),
  ]);
  const defs = await get('/process-definition', { sortBy: 'version', sortOrder: 'desc' });
  defs.sort((a, b) => a.key.localeCompare(b.key) || b.version - a.version);
  const diagram = h('div.diagram', { 'data-test': 'modeler' });
  const properties = h('div.properties', { 'data-test': 'properties' });
  const formBox = h('div.form-editor', { 'data-test': 'form-editor' });
  const diffBox = h('div');
  const processId = h('input', { name: 'processId', value: 'newProcess', pattern: '[A-Za-z_][A-Za-z0-9_-]*' });
  const versionsBox = h('section.panel', {}, h('h2', {}, t('versions')));
  clear(main, h('h1', {}, t('design')),
    h('div.filters', {}, h('label', {}, t('id'), processId),
      h('button', { type: 'button', 'data-action': 'new', onclick: () => modeler.importXML(EMPTY(processId.value)).then(() => loadForm(null)) }, t('newProcess')),
      h('button.primary', { type: 'button', 'data-action': 'deploy', onclick: () => deploy() }, t('deploy'))),
    h('div.modeler', {}, diagram, properties),
    h('section.panel', {}, h('h2', {}, t('forms')), formBox),
    versionsBox, diffBox);
  const modeler = new Modeler({
    container: diagram,
    propertiesPanel: { parent: properties },
    additionalModules: [panel.BpmnPropertiesPanelModule, panel.BpmnPropertiesProviderModule, OrdoPropertiesModule],
    moddleExtensions: { ordo: ordoModdle, flowable: flowableModdle },
  });
  window.ordoModeler = modeler;  // for a human at the browser's console, not for the tests
  await modeler.importXML(EMPTY(processId.value));

  const { FormEditor } = await import('@bpmn-io/form-js');
  const formEditor = new FormEditor({ container: formBox });
  const emptyForm = () => ({ type: 'default', id: processId.value + '-form', schemaVersion: 16, components: [] });
  const loadForm = async (schema) => formEditor.importSchema(schema && schema.components ? schema : emptyForm());
  await loadForm(null);

  const open = async (d) => {
    try {
      const [xml, form] = await Promise.all([get(`/process-definition/${d.id}/xml`), get(`/ordo/workorder/definitions/${d.id}/start-form`)]);
      await modeler.importXML(xml.bpmn20Xml);
      processId.value = d.key;
      await loadForm(form.formContent);
    } catch (e) {
      notice('error', e.message);
    }
  };
  const compare = async (ids) => {
    if (ids.length !== 2) return notice('error', t('diff') + ': 2');
    try {
      const [a, b] = await Promise.all(ids.map((id) => get(`/process-definition/${id}/xml`)));
      clear(diffBox, h('h2', {}, t('diff')),
        h('pre.diff', { 'data-test': 'diff' }, lineDiff(a.bpmn20Xml, b.bpmn20Xml).map(([k, line]) => h('span', { class: k === '+' ? 'add' : k === '-' ? 'del' : '' }, `${k} ${line}\n`))));
    } catch (e) {
      notice('error', e.message);
    }
  };
  // The start form travels with the definition: its key is the start event's flowable:formKey.
  const deploy = async () => {
    try {
      const schema = formEditor.saveSchema();
      const forms = {};
      if (schema.components && schema.components.length) {
        const registry = modeler.get('elementRegistry');
        const start = registry.filter((e) => e.type === 'bpmn:StartEvent')[0];
        let key = start && start.businessObject.get('flowable:formKey');
        if (start && !key) {
          key = schema.id || processId.value + '-form';
          modeler.get('modeling').updateProperties(start, { 'flowable:formKey': key });
        }
        if (key) forms[key] = JSON.stringify(schema);
      }
      const { xml } = await modeler.saveXML({ format: true });
      const d = await post('/ordo/workorder/definitions', { name: processId.value, xml, forms });
      notice('ok', `${t('deployed_ok')}: ${d.definitions.map((x) => `${x.key} v${x.version}`).join(', ')}`);
      await renderVersions();
    } catch (e) {
      notice('error', e.message);
    }
  };
  const renderVersions = async () => {
    const all = await get('/process-definition');
    all.sort((a, b) => a.key.localeCompare(b.key) || b.version - a.version);
    versionsBox.replaceChildren(h('h2', {}, t('versions')), versionsTable(all, renderVersions, open, compare));
  };
  versionsBox.append(versionsTable(defs, renderVersions, open, compare));
  diagram.dataset.ready = 'true';
}
