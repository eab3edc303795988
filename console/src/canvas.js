// The instance canvas: bpmn-js's viewer of the definition's XML, each node and edge marked done,
// active or not reached from the server's canvas answer; hovering a node shows its approvers.
import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import { get } from './api.js';
import { h, time } from './dom.js';
import { t } from './i18n.js';

const MARK = { done: 'ordo-done', active: 'ordo-active', notReached: 'ordo-not-reached' };

export async function mountCanvas(container, instanceId, definitionId) {
  const [{ default: Viewer }, xml, state] = await Promise.all([
    import('bpmn-js/lib/NavigatedViewer'),
    get(`/process-definition/${definitionId}/xml`),
    get(`/process-instance/${instanceId}/canvas`),
  ]);
  const box = h('div.canvas', { 'data-test': 'canvas' });
  const tip = h('div.canvas-tip', { hidden: true });
  const legend = h('div.legend', {},
    h('span.ordo-done', {}, t('statusDone')), h('span.ordo-active', {}, t('statusActive')),
    h('span.ordo-not-reached', {}, t('statusNotReached')));
  container.append(legend, box, tip);
  const viewer = new Viewer({ container: box });
  await viewer.importXML(xml.bpmn20Xml);
  const canvas = viewer.get('canvas');
  const registry = viewer.get('elementRegistry');
  canvas.zoom('fit-viewport');
  const byId = {};
  for (const item of [...state.nodes, ...state.edges]) {
    byId[item.id] = item;
    if (registry.get(item.id) && MARK[item.status]) canvas.addMarker(item.id, MARK[item.status]);
  }
  viewer.on('element.hover', ({ element }) => {
    const n = byId[element.id];
    if (!n || !state.nodes.includes(n)) return (tip.hidden = true);
    tip.hidden = false;
    tip.replaceChildren(h('b', {}, n.name || n.id), h('div', {}, t(n.status === 'done' ? 'statusDone' : n.status === 'active' ? 'statusActive' : 'statusNotReached')),
      n.approvers && n.approvers.length ? h('div', { 'data-test': 'approvers' }, `${t('approvers')}: ${n.approvers.join(', ')}`) : null,
      n.endTime ? h('div', {}, time(n.endTime)) : null,
      ...(n.comments || []).map((c) => h('div.muted', {}, typeof c === 'string' ? c : c.comment || JSON.stringify(c))));
  });
  viewer.on('element.out', () => (tip.hidden = true));
  box.dataset.ready = 'true';
  return { viewer, state };
}
