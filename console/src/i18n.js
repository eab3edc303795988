// Every string the console shows, in Chinese (first: the seeds' users speak it) and English.
const tables = {
  zh: {
    appName: 'Ordo 流程控制台', signIn: '登录', signOut: '退出登录', user: '用户名', password: '密码',
    token: 'API 令牌', orToken: '或使用 API 令牌', language: 'English', signedInAs: '当前用户',
    hall: '工单大厅', start: '发起流程', inbox: '消息', admin: '管理', instances: '流程实例',
    incidents: '异常事件', identity: '用户与角色', reports: '报表', monitor: '监控中心', design: '流程设计',
    credentials: '应用凭证',
    todo: '我的待办', done: '我的已办', started: '我发起的', cc: '抄送我的', drafts: '草稿箱',
    process: '流程', task: '任务', node: '节点', state: '状态', created: '创建时间', startedAt: '发起时间',
    endedAt: '结束时间', initiator: '发起人', assignee: '处理人', actions: '操作', open: '打开',
    filter: '筛选', processName: '流程名称', startedAfter: '发起晚于', startedBefore: '发起早于', apply: '应用',
    submit: '提交', saveDraft: '保存草稿', noForm: '此流程没有表单', formInvalid: '表单有误，请检查标红的字段',
    started_ok: '已发起', form: '表单', history: '审批记录', canvas: '流程图', comment: '意见',
    approve: '同意', reject: '驳回', return: '退回', transfer: '转办', delegate: '委派', addSigners: '加签',
    ccAction: '抄送', urge: '催办', withdraw: '撤回', resolve: '完成委派', claim: '认领',
    terminate: '终止', invalidate: '作废', suspend: '挂起', resume: '恢复', jump: '跳转', print: '打印',
    returnTo: '退回到', targetUser: '目标用户', users: '用户（逗号分隔）', position: '位置',
    parallel: '并行', before: '之前', after: '之后', done_ok: '操作成功', who: '操作人', what: '动作',
    when: '时间', detail: '详情', unread: '未读', markRead: '标为已读', type: '类型', message: '内容',
    statusDone: '已完成', statusActive: '进行中', statusNotReached: '未到达', approvers: '审批人',
    definition: '流程定义', any: '全部', running: '运行中', completed: '已完成', finished: '已结束',
    search: '查询', retry: '重试', error: '错误', job: '作业', roles: '角色', departments: '部门',
    leader: '负责人', name: '名称', id: '编号', members: '成员', period: '周期', month: '月', quarter: '季度',
    year: '年', rejected: '已驳回', cancelled: '已取消', byProcess: '按流程', byNode: '按节点',
    byAssignee: '按处理人', count: '数量', mean: '平均', p90: 'P90', max: '最大', duration: '耗时',
    runs: '发起 / 完成 / 驳回', durations: '处理时长', abnormal: '异常实例', normal: '正常实例数', reason: '原因',
    overdue: '超时', incident: '异常', stuck: '停滞', suspended: '已挂起', deploy: '部署', versions: '版本',
    version: '版本', publish: '发布', offline: '下线', diff: '比较', newProcess: '新建流程', forms: '表单设计',
    notFound: '页面不存在', loading: '加载中…', apps: '应用', services: '服务', secret: '密钥', save: '保存',
    remove: '删除', kind: '种类', activity: '节点', printedAt: '打印时间', workOrder: '工单', data: '表单数据',
    nothing: '暂无', cancel: '取消', confirm: '确定', menu: '菜单', start_title: '选择要发起的流程',
    instance: '实例', deployed_ok: '已部署', xml: 'XML', choose: '请选择', rules: '分配规则',
    runStarted: '发起', runCompleted: '完成', runRejected: '驳回', runCancelled: '取消', userList: '用户', parent: '上级部门',
  },
  en: {
    appName: 'Ordo console', signIn: 'Sign in', signOut: 'Sign out', user: 'User', password: 'Password',
    token: 'API token', orToken: 'or an API token', language: '中文', signedInAs: 'Signed in as',
    hall: 'Work-order hall', start: 'Start a process', inbox: 'Inbox', admin: 'Administration', instances: 'Instances',
    incidents: 'Incidents', identity: 'Users and roles', reports: 'Reports', monitor: 'Monitoring', design: 'Design',
    credentials: 'Application credentials',
    todo: 'My todo', done: 'Done', started: 'Started by me', cc: 'Cc to me', drafts: 'Drafts',
    process: 'Process', task: 'Task', node: 'Node', state: 'State', created: 'Created', startedAt: 'Started',
    endedAt: 'Ended', initiator: 'Initiator', assignee: 'Assignee', actions: 'Actions', open: 'Open',
    filter: 'Filter', processName: 'Process name', startedAfter: 'Started after', startedBefore: 'Started before', apply: 'Apply',
    submit: 'Submit', saveDraft: 'Save draft', noForm: 'This process has no form', formInvalid: 'The form has errors: see the marked fields',
    started_ok: 'Started', form: 'Form', history: 'History', canvas: 'Diagram', comment: 'Comment',
    approve: 'Approve', reject: 'Reject', return: 'Return', transfer: 'Transfer', delegate: 'Delegate', addSigners: 'Add signers',
    ccAction: 'Cc', urge: 'Urge', withdraw: 'Withdraw', resolve: 'Resolve', claim: 'Claim',
    terminate: 'Terminate', invalidate: 'Invalidate', suspend: 'Suspend', resume: 'Resume', jump: 'Jump', print: 'Print',
    returnTo: 'Return to', targetUser: 'Target user', users: 'Users (comma-separated)', position: 'Position',
    parallel: 'parallel', before: 'before', after: 'after', done_ok: 'Done', who: 'Who', what: 'What',
    when: 'When', detail: 'Detail', unread: 'unread', markRead: 'Mark read', type: 'Type', message: 'Message',
    statusDone: 'done', statusActive: 'active', statusNotReached: 'not reached', approvers: 'Approvers',
    definition: 'Definition', any: 'Any', running: 'Running', completed: 'Completed', finished: 'Finished',
    search: 'Search', retry: 'Retry', error: 'Error', job: 'Job', roles: 'Roles', departments: 'Departments',
    leader: 'Leader', name: 'Name', id: 'Id', members: 'Members', period: 'Period', month: 'Month', quarter: 'Quarter',
    year: 'Year', rejected: 'Rejected', cancelled: 'Cancelled', byProcess: 'By process', byNode: 'By node',
    byAssignee: 'By assignee', count: 'Count', mean: 'Mean', p90: 'P90', max: 'Max', duration: 'Duration',
    runs: 'Started / completed / rejected', durations: 'Durations', abnormal: 'Abnormal instances', normal: 'Normal instances', reason: 'Reason',
    overdue: 'overdue', incident: 'incident', stuck: 'stuck', suspended: 'suspended', deploy: 'Deploy', versions: 'Versions',
    version: 'Version', publish: 'Publish', offline: 'Take offline', diff: 'Compare', newProcess: 'New process', forms: 'Form design',
    notFound: 'No such page', loading: 'Loading…', apps: 'Applications', services: 'Services', secret: 'Secret', save: 'Save',
    remove: 'Remove', kind: 'Kind', activity: 'Node', printedAt: 'Printed', workOrder: 'Work order', data: 'Form data',
    nothing: 'Nothing yet', cancel: 'Cancel', confirm: 'OK', menu: 'Menu', start_title: 'Choose a process to start',
    instance: 'Instance', deployed_ok: 'Deployed', xml: 'XML', choose: 'Choose', rules: 'Assignment rules',
    runStarted: 'Started', runCompleted: 'Completed', runRejected: 'Rejected', runCancelled: 'Cancelled', userList: 'Users', parent: 'Parent',
  },
};

let lang = localStorage.getItem('ordo.lang') || 'zh';

export function t(key) {
  return tables[lang][key] ?? tables.zh[key] ?? key;
}

export function language() {
  return lang;
}

export function setLanguage(l) {
  lang = tables[l] ? l : 'zh';
  localStorage.setItem('ordo.lang', lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

export function keys(l) {
  return Object.keys(tables[l]);
}
