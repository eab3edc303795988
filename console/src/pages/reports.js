// 报告分析 and 监控中心 on the server's analytics endpoints: runs per month, quarter or year,
// durations (mean, p90) by process, node or assignee, drawn with ECharts beside the figures;
// abnormal instances and SLA alerts with links to them.
import { get } from '../api.js';
import { h, clear, table, time } from '../dom.js';
import { t } from '../i18n.js';
import { href } from '../router.js';

const seconds = (ms) => (ms === null || ms === undefined ? '' : (ms / 1000).toFixed(1));

async function chart(el, option) {
  const echarts = await import('echarts');
  const c = echarts.init(el, null, { renderer: 'svg' });
  c.setOption(option);
  new ResizeObserver(() => c.resize()).observe(el);
  return c;
}

export async function reportsPage(main, _params, query) {
  const period = ['month', 'quarter', 'year'].includes(query.get('period')) ? query.get('period') : 'month';
  const by = ['process', 'node', 'assignee'].includes(query.get('by')) ? query.get('by') : 'process';
  const [runs, durations] = await Promise.all([
    get('/ordo/workorder/analytics/runs', { period }),
    get('/ordo/workorder/analytics/durations', { by }),
  ]);
  const runsChart = h('div.chart', { 'data-test': 'runs-chart' });
  const durationChart = h('div.chart', { 'data-test': 'durations-chart' });
  const choose = (name, values, current, other) => h('div.tabs', {}, values.map((v) =>
    h('a', { href: href(`/reports?${name}=${v}&${other}`), class: v === current ? 'current' : '', [`data-${name}`]: v }, t(name === 'by' ? { process: 'byProcess', node: 'byNode', assignee: 'byAssignee' }[v] : v))));
  clear(main, h('h1', {}, t('reports')),
    h('section.panel', {}, h('h2', {}, t('runs')),
      choose('period', ['month', 'quarter', 'year'], period, `by=${by}`), runsChart,
      table([
        { title: t('period'), cell: (r) => r.period },
        { title: t('process'), cell: (r) => r.group ?? '' },
        { title: t('runStarted'), cell: (r) => r.started },
        { title: t('runCompleted'), cell: (r) => r.completed },
        { title: t('runRejected'), cell: (r) => r.rejected },
        { title: t('runCancelled'), cell: (r) => r.cancelled },
      ], runs, { 'data-test': 'runs' })),
    h('section.panel', {}, h('h2', {}, t('durations')),
      choose('by', ['process', 'node', 'assignee'], by, `period=${period}`), durationChart,
      table([
        { title: t(by === 'process' ? 'process' : by === 'node' ? 'node' : 'assignee'), cell: (r) => r.group },
        { title: t('count'), cell: (r) => r.count },
        { title: `${t('mean')} (s)`, cell: (r) => seconds(r.meanMillis) },
        { title: `${t('p90')} (s)`, cell: (r) => seconds(r.p90Millis) },
        { title: `${t('max')} (s)`, cell: (r) => seconds(r.maxMillis) },
      ], durations, { 'data-test': 'durations' })));
  const periods = [...new Set(runs.map((r) => r.period))];
  const sum = (p, k) => runs.filter((r) => r.period === p).reduce((a, r) => a + r[k], 0);
  await chart(runsChart, {
    tooltip: {}, legend: {}, xAxis: { type: 'category', data: periods }, yAxis: { type: 'value', minInterval: 1 },
    series: ['started', 'completed', 'rejected'].map((k) => ({ name: t('run' + k[0].toUpperCase() + k.slice(1)), type: 'bar', data: periods.map((p) => sum(p, k)) })),
  });
  await chart(durationChart, {
    tooltip: {}, legend: {}, xAxis: { type: 'category', data: durations.map((d) => d.group) }, yAxis: { type: 'value', name: 's' },
    series: [
      { name: t('mean'), type: 'bar', data: durations.map((d) => Number(seconds(d.meanMillis))) },
      { name: t('p90'), type: 'bar', data: durations.map((d) => Number(seconds(d.p90Millis))) },
    ],
  });
}

export async function monitorPage(main) {
  const [monitor, alerts] = await Promise.all([get('/ordo/workorder/monitor'), get('/ordo/workorder/alerts')]);
  clear(main, h('h1', {}, t('monitor')),
    h('p', {}, `${t('normal')}: `, h('b', { 'data-test': 'normal' }, monitor.normal)),
    h('section.panel', {}, h('h2', {}, t('abnormal')),
      table([
        { title: t('instance'), cell: (a) => h('a', { href: href(`/instance/${a.processInstanceId}`) }, a.processInstanceId) },
        { title: t('process'), cell: (a) => a.processDefinitionKey },
        { title: t('reason'), cell: (a) => t(a.reason) },
        { title: t('when'), cell: (a) => time(a.since) },
      ], monitor.abnormal, { 'data-test': 'abnormal' })),
    h('section.panel', {}, h('h2', {}, 'SLA'),
      table([
        { title: t('workOrder'), cell: (a) => a.workOrderId ?? '' },
        { title: t('instance'), cell: (a) => (a.processInstanceId ? h('a', { href: href(`/instance/${a.processInstanceId}`) }, a.processInstanceId) : '') },
        { title: t('node'), cell: (a) => a.elementId || '' },
        { title: t('type'), cell: (a) => a.level },
        { title: t('when'), cell: (a) => time(a.raised) },
      ], Array.isArray(alerts) ? alerts : alerts.items || [], { 'data-test': 'alerts' })));
}
