// The properties panel's Ordo group for user tasks: assignment rules (user, role, department,
// leader chains, initiator, chosen by the previous approver), 会签/或签/票签, withdraw and
// return permissions, the task's form key.
import { h as jsx } from '@bpmn-io/properties-panel/preact';
import { TextFieldEntry, SelectEntry, isTextFieldEntryEdited, isSelectEntryEdited } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { t } from '../i18n.js';

const RULES = [
  ['', '—'], ['user:', 'user:ID'], ['users:', 'users:A,B'], ['role:', 'role:R'], ['department:', 'department:D'],
  ['initiator', 'initiator'], ['initiatorLeader', 'initiatorLeader'], ['leader:1', 'leader:N'], ['departmentLeader:', 'departmentLeader:D'],
  ['chosen', 'chosen'],
];
// Sign modes as a multi-instance body over ${approvers} and its completion condition.
const SIGNS = {
  none: null,
  all: '${nrOfCompletedInstances == nrOfInstances}',
  any: '${nrOfCompletedInstances >= 1}',
  vote: '${nrOfCompletedInstances / nrOfInstances >= 0.6}',
};

function attr(id, label, name, description) {
  return function Entry({ element }) {
    const modeling = useService('modeling');
    const debounce = useService('debounceInput');
    return jsx(TextFieldEntry, {
      element, id, label, description, debounce,
      getValue: () => element.businessObject.get(name) || '',
      setValue: (v) => modeling.updateProperties(element, { [name]: v || undefined }),
    });
  };
}

function RulePreset({ element }) {
  const modeling = useService('modeling');
  return jsx(SelectEntry, {
    element, id: 'ordo-rule-preset', label: t('rules'),
    getValue: () => {
      const rule = element.businessObject.get('ordo:assigneeRule') || '';
      const hit = RULES.find(([p]) => p && (rule === p || (p.endsWith(':') && rule.startsWith(p))));
      return hit ? hit[0] : '';
    },
    setValue: (v) => modeling.updateProperties(element, { 'ordo:assigneeRule': v || undefined }),
    getOptions: () => RULES.map(([value, label]) => ({ value, label })),
  });
}

function SignMode({ element }) {
  const modeling = useService('modeling');
  const moddle = useService('moddle');
  return jsx(SelectEntry, {
    element, id: 'ordo-sign', label: '会签 / 或签 / 票签',
    getValue: () => {
      const loop = element.businessObject.loopCharacteristics;
      if (!loop || !loop.completionCondition) return loop ? 'all' : 'none';
      return Object.keys(SIGNS).find((k) => SIGNS[k] === loop.completionCondition.body) || 'all';
    },
    setValue: (mode) => {
      if (mode === 'none') return modeling.updateProperties(element, { loopCharacteristics: undefined });
      const loop = moddle.create('bpmn:MultiInstanceLoopCharacteristics', { isSequential: false });
      loop.set('flowable:collection', '${approvers}');
      loop.set('flowable:elementVariable', 'approver');
      loop.completionCondition = moddle.create('bpmn:FormalExpression', { body: SIGNS[mode] });
      modeling.updateProperties(element, { loopCharacteristics: loop, 'flowable:assignee': '${approver}' });
    },
    getOptions: () => [
      { value: 'none', label: '—' }, { value: 'all', label: '会签 all sign' },
      { value: 'any', label: '或签 any one' }, { value: 'vote', label: '票签 60% vote' },
    ],
  });
}

function Withdrawable({ element }) {
  const modeling = useService('modeling');
  return jsx(SelectEntry, {
    element, id: 'ordo-withdrawable', label: '撤回 withdrawable',
    getValue: () => element.businessObject.get('ordo:withdrawable') || 'true',
    setValue: (v) => modeling.updateProperties(element, { 'ordo:withdrawable': v === 'true' ? undefined : v }),
    getOptions: () => [{ value: 'true', label: 'true' }, { value: 'false', label: 'false' }],
  });
}

function EmptyAssignee({ element }) {
  const modeling = useService('modeling');
  return jsx(SelectEntry, {
    element, id: 'ordo-empty', label: 'emptyAssignee',
    getValue: () => element.businessObject.get('ordo:emptyAssignee') || 'fail',
    setValue: (v) => modeling.updateProperties(element, { 'ordo:emptyAssignee': v === 'fail' ? undefined : v }),
    getOptions: () => ['fail', 'skip', 'admin'].map((value) => ({ value, label: value })),
  });
}

const ENTRIES = [
  ['ordo-rule-preset', RulePreset, isSelectEntryEdited],
  ['ordo-rule', attr('ordo-rule', 'ordo:assigneeRule', 'ordo:assigneeRule', 'user:ID, role:R, department:D, initiator, initiatorLeader, leader:N, departmentLeader:D, chosen'), isTextFieldEntryEdited],
  ['ordo-choose', attr('ordo-choose', 'ordo:chooseFrom', 'ordo:chooseFrom', 'chosen: a,b'), isTextFieldEntryEdited],
  ['ordo-empty', EmptyAssignee, isSelectEntryEdited],
  ['flowable-assignee', attr('flowable-assignee', 'flowable:assignee', 'flowable:assignee'), isTextFieldEntryEdited],
  ['flowable-users', attr('flowable-users', 'flowable:candidateUsers', 'flowable:candidateUsers'), isTextFieldEntryEdited],
  ['flowable-groups', attr('flowable-groups', 'flowable:candidateGroups', 'flowable:candidateGroups'), isTextFieldEntryEdited],
  ['ordo-sign', SignMode, isSelectEntryEdited],
  ['ordo-withdrawable', Withdrawable, isSelectEntryEdited],
  ['ordo-reject-target', attr('ordo-reject-target', '退回 ordo:rejectTarget', 'ordo:rejectTarget', 'the node a rejection returns to'), isTextFieldEntryEdited],
  ['flowable-form', attr('flowable-form', 'flowable:formKey', 'flowable:formKey'), isTextFieldEntryEdited],
];

class OrdoPropertiesProvider {
  constructor(propertiesPanel) {
    propertiesPanel.registerProvider(500, this);
  }

  getGroups(element) {
    return (groups) => {
      const type = element.businessObject.$type;
      if (type === 'bpmn:UserTask')
        groups.push({ id: 'ordo', label: 'Ordo', entries: ENTRIES.map(([id, component, isEdited]) => ({ id, element, component, isEdited })) });
      if (type === 'bpmn:StartEvent')
        groups.push({ id: 'ordo', label: 'Ordo', entries: [{ id: 'flowable-form', element, component: ENTRIES[10][1], isEdited: isTextFieldEntryEdited }] });
      return groups;
    };
  }
}
OrdoPropertiesProvider.$inject = ['propertiesPanel'];

export const OrdoPropertiesModule = { __init__: ['ordoPropertiesProvider'], ordoPropertiesProvider: ['type', OrdoPropertiesProvider] };
