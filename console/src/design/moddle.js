// The extension attributes Ordo reads, as moddle descriptors, so that the modeler keeps and
// writes them: ordo: (assignment rules, withdraw and return permissions) and flowable:
// (assignee, candidates, formKey, the multi-instance collection).
export const ordoModdle = {
  name: 'Ordo',
  uri: 'http://ordo.dev/bpmn',
  prefix: 'ordo',
  xml: { tagAlias: 'lowerCase' },
  types: [
    {
      name: 'ApprovalRules',
      extends: ['bpmn:UserTask'],
      properties: [
        { name: 'assigneeRule', isAttr: true, type: 'String' },
        { name: 'chooseFrom', isAttr: true, type: 'String' },
        { name: 'emptyAssignee', isAttr: true, type: 'String' },
        { name: 'withdrawable', isAttr: true, type: 'String' },
        { name: 'rejectTarget', isAttr: true, type: 'String' },
      ],
    },
  ],
};

export const flowableModdle = {
  name: 'Flowable',
  uri: 'http://flowable.org/bpmn',
  prefix: 'flowable',
  xml: { tagAlias: 'lowerCase' },
  types: [
    {
      name: 'Assignment',
      extends: ['bpmn:UserTask'],
      properties: [
        { name: 'assignee', isAttr: true, type: 'String' },
        { name: 'candidateUsers', isAttr: true, type: 'String' },
        { name: 'candidateGroups', isAttr: true, type: 'String' },
      ],
    },
    { name: 'FormKey', extends: ['bpmn:UserTask', 'bpmn:StartEvent'], properties: [{ name: 'formKey', isAttr: true, type: 'String' }] },
    {
      name: 'Collection',
      extends: ['bpmn:MultiInstanceLoopCharacteristics'],
      properties: [
        { name: 'collection', isAttr: true, type: 'String' },
        { name: 'elementVariable', isAttr: true, type: 'String' },
      ],
    },
  ],
};
