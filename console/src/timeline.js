// The history of an instance as a timeline: every operation with who, what, comment and when.
import { get } from './api.js';
import { h, time } from './dom.js';
import { t } from './i18n.js';

const ACTION_KEY = { complete: 'approve', cc: 'ccAction', 'add-signers': 'addSigners', addSigners: 'addSigners' };

export async function timeline(instanceId) {
  const ops = await get(`/process-instance/${instanceId}/operations`);
  return h('ol.timeline', { 'data-test': 'timeline' }, ops.map((o) =>
    h('li', { 'data-action': o.action },
      h('span.when', {}, time(o.time)),
      h('b.who', {}, o.userId || '—'),
      h('span.what', {}, t(ACTION_KEY[o.action] || o.action), o.activityId ? ` · ${o.activityId}` : '',
        o.targets && o.targets.length ? ` → ${o.targets.join(', ')}` : ''),
      o.comment ? h('q.comment', {}, o.comment) : null)));
}
