// console.browser: the web console in a real browser (Debian's Chromium, headless, through
// playwright-core) against a real ordo-server. Exit 77 (ctest: skipped) only without Chromium.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, chromiumPresent, launchBrowser, PASSWORDS, startServer, CHROMIUM } from './harness.mjs';

if (!chromiumPresent()) {
  console.log(`SKIP: no Chromium at ${CHROMIUM} (Debian's chromium package; scripts/bootstrap installs it)`);
  process.exit(77);
}
if (!existsSync(join(process.env.ORDO_CONSOLE_DIR || '', 'index.html'))) {
  console.error(`FAIL: the console is not built (${process.env.ORDO_CONSOLE_DIR}): the build needs Node and npm`);
  process.exit(1);
}
const shots = process.env.ORDO_SCREENSHOTS || 'screenshots';
mkdirSync(shots, { recursive: true });

const server = await startServer();
const browser = await launchBrowser(server.dir);
const consoleErrors = [];
let expectRefusals = false;  // a refused request logs "Failed to load resource" on purpose

async function newPage(label) {
  const page = await browser.newPage();
  page.on('pageerror', (e) => consoleErrors.push(`${label}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (expectRefusals && m.text().startsWith('Failed to load resource')) return;
    consoleErrors.push(`${label}: ${m.text()}`);
  });
  return page;
}

async function signIn(user) {
  const page = await newPage(user);
  await page.goto(server.url + '/console/');
  await page.fill('input[name=user]', user);
  await page.fill('input[name=password]', PASSWORDS[user]);
  await page.click('[data-test=sign-in]');
  await page.waitForSelector('[data-test=user-menu]');
  return page;
}

const urlId = (page, kind) => page.url().match(new RegExp(`/console/${kind}/(\\d+)`))[1];
const shot = (page, name) => page.screenshot({ path: join(shots, name + '.png'), fullPage: true });
const noticeError = (page) => page.waitForSelector('[data-test=notice-error]').then((e) => e.textContent());

async function openTodo(page, instanceId) {
  await page.goto(server.url + '/console/hall/todo');
  const todo = await api(server, await page.evaluate(() => JSON.parse(sessionStorage.getItem('ordo.session')).user), 'GET', '/ordo/lists/todo');
  const item = todo.body.items.find((i) => i.processInstance.id === instanceId);
  assert.ok(item, 'the instance is in the todo list');
  await page.click(`[data-open="${item.task.id}"]`);
  await page.waitForSelector('[data-test=canvas][data-ready=true]');
  return item.task;
}

async function openTasksOf(instanceId) {
  return (await api(server, 'admin', 'GET', `/task?processInstanceId=${instanceId}`)).body;
}

const only = process.env.ORDO_ONLY;
const tests = {
  async 'an employee starts a leave request through its form; the manager returns it; resubmitted, the manager and the director approve; the employee sees it completed with the canvas all done'() {
    const employee = await signIn('employee');
    await shot(employee, 'hall');
    await employee.click('[data-nav=start]');
    await employee.click('[data-start=leaveRequest]');
    await employee.waitForSelector('[data-test=start-form] .fjs-form');
    // form-js validation: an empty form is refused in the page, nothing started.
    const before = (await api(server, 'employee', 'GET', '/ordo/lists')).body.started;
    await employee.click('[data-action=submit]');
    assert.match(await noticeError(employee), /表单有误/);
    assert.equal((await api(server, 'employee', 'GET', '/ordo/lists')).body.started, before);
    await employee.getByLabel('年假 Annual').check();
    await employee.getByLabel('天数 Days').fill('5');
    await employee.getByLabel('事由 Reason').fill('家里有事 family matters');
    await shot(employee, 'start-form');
    await employee.click('[data-action=submit]');
    await employee.waitForURL(/\/console\/instance\/\d+/);
    const id = urlId(employee, 'instance');
    let tasks = await openTasksOf(id);
    assert.deepEqual(tasks.map((x) => [x.taskDefinitionKey, x.assignee]), [['leaderApproval', 'manager']]);
    const vars = (await api(server, 'admin', 'GET', `/process-instance/${id}/variables`)).body;
    assert.equal(vars.days.value, 5);
    assert.equal(vars.leaveType.value, 'annual');

    const manager = await signIn('manager');
    const counts = (await api(server, 'manager', 'GET', '/ordo/lists')).body;
    assert.equal(await manager.textContent('[data-count=todo]'), String(counts.todo));
    await openTodo(manager, id);
    await shot(manager, 'task');
    // A refused action shows the server's own message (加签 on a task that is no multi-instance
    // body); the same request over HTTP is refused with the same words, and nothing changed.
    expectRefusals = true;
    await manager.fill('input[name=signers]', 'director');
    await manager.click('[data-action=addSigners]');
    const shown = (await noticeError(manager)).trim();
    const refusal = await api(server, 'manager', 'POST', `/task/${tasks[0].id}/add-signers`, { userIds: ['director'], position: 'parallel' });
    assert.ok(refusal.status >= 400, 'adding signers to a single task is refused');
    assert.equal(shown, refusal.body.message);
    expectRefusals = false;
    assert.deepEqual((await openTasksOf(id)).map((x) => [x.taskDefinitionKey, x.assignee]), [['leaderApproval', 'manager']]);
    await manager.waitForSelector('select[name=returnTo] option[value=apply]', { state: 'attached' });
    await manager.selectOption('select[name=returnTo]', 'apply');
    await manager.fill('textarea[name=comment]', '请写明日期 please give the dates');
    await manager.click('[data-action=return]');
    await manager.waitForURL(/\/console\/?$/);
    tasks = await openTasksOf(id);
    assert.deepEqual(tasks.map((x) => [x.taskDefinitionKey, x.assignee]), [['apply', 'employee']]);

    const task = await openTodo(employee, id);
    assert.equal(task.taskDefinitionKey, 'apply');
    assert.equal(await employee.getByLabel('天数 Days').inputValue(), '5');
    assert.match(await employee.textContent('[data-test=timeline]'), /请写明日期/);
    await employee.getByLabel('天数 Days').fill('4');
    await employee.click('[data-action=complete]');
    await employee.waitForURL(/\/console\/?$/);
    assert.equal((await api(server, 'admin', 'GET', `/process-instance/${id}/variables`)).body.days.value, 4);

    await openTodo(manager, id);
    await manager.fill('textarea[name=comment]', '同意');
    await manager.click('[data-action=complete]');
    await manager.waitForURL(/\/console\/?$/);
    const director = await signIn('director');
    await openTodo(director, id);
    await director.click('[data-action=complete]');
    await director.waitForURL(/\/console\/?$/);

    await employee.goto(`${server.url}/console/instance/${id}`);
    await employee.waitForSelector('[data-test=canvas][data-ready=true]');
    assert.equal(await employee.textContent('[data-test=instance-state]'), 'completed');
    const canvas = (await api(server, 'employee', 'GET', `/process-instance/${id}/canvas`)).body;
    const all = [...canvas.nodes, ...canvas.edges];
    assert.ok(all.every((x) => x.status === 'done'), 'the server says every node and edge is done');
    const marked = await employee.$$eval('.djs-element.ordo-done', (els) => els.map((e) => e.dataset.elementId));
    assert.deepEqual(new Set(marked), new Set(all.map((x) => x.id)));
    assert.equal(await employee.$$eval('.djs-element.ordo-active, .djs-element.ordo-not-reached', (e) => e.length), 0);
    // Hovering a node shows its approvers, as the canvas answer names them.
    await employee.hover('.djs-element[data-element-id="directorApproval"]');
    const approvers = canvas.nodes.find((n) => n.id === 'directorApproval').approvers;
    assert.deepEqual(approvers, ['director']);
    assert.match(await employee.textContent('[data-test=approvers]'), /director/);
    await shot(employee, 'instance');
    await employee.goto(`${server.url}/console/print/${id}`);
    await employee.waitForSelector('[data-test=canvas][data-ready=true]');
    assert.equal(await employee.$$eval('header.top', (e) => e.length), 0, 'the print view has no navigation');
    await employee.emulateMedia({ media: 'print' });
    await shot(employee, 'print');
    await employee.emulateMedia({ media: 'screen' });
    for (const p of [employee, manager, director]) await p.close();
  },

  async 'the modeler draws a two-step process with Ordo assignment rules and a start form from the form designer, deploys it, and it runs'() {
    const admin = await signIn('admin');
    await admin.click('[data-nav=design]');
    await admin.waitForSelector('[data-test=modeler][data-ready=true]');
    await admin.fill('input[name=processId]', 'twoStep');
    await admin.click('[data-action=new]');
    await admin.waitForSelector('.djs-element[data-element-id=start]');
    // Draw by clicking: append a task to the start event, a second task to it, an end event.
    // bpmn-js opens the new element's label for typing: the name is typed, a click beside ends it.
    const blank = () => admin.locator('[data-test=modeler]').click({ position: { x: 700, y: 480 } });
    const step = async (from, action, name) => {
      await blank();  // clicking a selected element again would not reopen its context pad
      await admin.click(`.djs-element[data-element-id="${from}"]`);
      await admin.click(`.djs-context-pad [data-action="${action}"]`);
      const id = await admin.evaluate(() => window.ordoModeler.get('selection').get()[0].id);
      if (name) await admin.keyboard.type(name);
      await blank();
      return id;
    };
    // An appended task is a plain task: the replace menu makes it a user task.
    const userTask = async (id) => {
      await blank();
      await admin.click(`.djs-element[data-element-id="${id}"]`);
      await admin.click('.djs-context-pad [data-action="replace"]');
      await admin.click('.djs-popup [data-id="replace-with-user-task"]');
      return admin.evaluate(() => window.ordoModeler.get('selection').get()[0].id);
    };
    const group = async (id) => {
      const header = admin.locator(`[data-test=properties] [data-group-id="group-${id}"] .bio-properties-panel-group-header`);
      if (!(await header.getAttribute('class')).includes('open')) await header.click();
    };
    const first = await userTask(await step('start', 'append.append-task', '第一步 Step one'));
    await group('ordo');
    await admin.fill('#bio-properties-panel-ordo-rule', 'initiator');
    const second = await userTask(await step(first, 'append.append-task', '第二步 Step two'));
    await group('ordo');
    await admin.selectOption('#bio-properties-panel-ordo-rule-preset', 'initiatorLeader');
    await admin.selectOption('#bio-properties-panel-ordo-withdrawable', 'false');
    await step(second, 'append.end-event');
    // The start form in form-js's editor: a text field dragged from its palette, labelled and keyed.
    await admin.locator('[data-test=form-editor]').scrollIntoViewIfNeeded();
    const from = await admin.locator('.fjs-palette-field[data-field-type="textfield"]').boundingBox();
    const to = await admin.locator('[data-test=form-editor] .fjs-form-container').first().boundingBox();
    await admin.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await admin.mouse.down();
    await admin.mouse.move(from.x + 40, from.y + 40, { steps: 5 });
    await admin.mouse.move(to.x + to.width / 2, to.y + 40, { steps: 10 });
    await admin.mouse.up();
    await admin.waitForSelector('[data-test=form-editor] .fjs-form-field');
    const general = admin.locator('[data-test=form-editor] [data-group-id="group-general"] .bio-properties-panel-group-header');
    if (!(await general.getAttribute('class')).includes('open')) await general.click();
    // The panel applies an edit after a debounce: each is waited for before the next, or a
    // re-render on a loaded machine drops the first.
    await admin.fill('[data-test=form-editor] #bio-properties-panel-label', '目的地 Destination');
    await admin.press('[data-test=form-editor] #bio-properties-panel-label', 'Tab');
    await admin.waitForSelector('[data-test=form-editor] .fjs-form-field label:has-text("目的地 Destination")');
    await admin.fill('[data-test=form-editor] #bio-properties-panel-key', 'destination');
    await admin.press('[data-test=form-editor] #bio-properties-panel-key', 'Tab');
    await admin.waitForFunction(() => document.querySelector('[data-test=form-editor] #bio-properties-panel-key')?.value === 'destination');
    await admin.waitForTimeout(500);  // the key's debounce, which shows nowhere on the canvas
    await shot(admin, 'design');
    await admin.click('[data-action=deploy]');
    assert.match(await admin.textContent('[data-test=notice-ok]'), /twoStep v1/);
    const xml = (await api(server, 'admin', 'GET', '/process-definition/key/twoStep/xml')).body.bpmn20Xml;
    assert.match(xml, /ordo:assigneeRule="initiator"/);
    assert.match(xml, /ordo:assigneeRule="initiatorLeader"/);
    assert.match(xml, /ordo:withdrawable="false"/);
    const startForm = (await api(server, 'admin', 'GET', `/ordo/workorder/definitions/${(await api(server, 'admin', 'GET', '/process-definition/key/twoStep')).body.id}/start-form`)).body;
    assert.deepEqual(startForm.formContent.components.map((c) => [c.type, c.key, c.label]), [['textfield', 'destination', '目的地 Destination']]);
    assert.match(xml, new RegExp(`flowable:formKey="${startForm.formKey}"`));
    // A second version with the second step renamed: the diff of the two shows exactly that.
    await admin.dblclick(`.djs-element[data-element-id="${second}"]`);
    await admin.keyboard.press('Control+A');
    await admin.keyboard.type('第二步 Step two, revised');
    await blank();
    await admin.click('[data-action=deploy]');
    await admin.waitForFunction(() => /twoStep v2/.test(document.querySelector('[data-test=notice-ok]')?.textContent));
    const versions = (await api(server, 'admin', 'GET', '/process-definition?key=twoStep')).body.sort((a, b) => a.version - b.version);
    assert.deepEqual(versions.map((d) => d.version), [1, 2]);
    for (const d of versions) await admin.check(`[data-pick="${d.id}"]`);
    await admin.click('[data-action=diff]');
    await admin.waitForSelector('[data-test=diff]');
    const removed = await admin.$$eval('[data-test=diff] .del', (e) => e.map((x) => x.textContent));
    const added = await admin.$$eval('[data-test=diff] .add', (e) => e.map((x) => x.textContent));
    // Beside the process, bpmn-js may add diagram interchange (an empty label) after an edit.
    const process = (lines) => lines.filter((l) => !l.includes('bpmndi:'));
    assert.equal(process(removed).length, 1, JSON.stringify({ removed, added }));
    assert.equal(process(added).length, 1, JSON.stringify({ removed, added }));
    assert.match(process(removed)[0], /name="第二步 Step two"/);
    assert.match(process(added)[0], /name="第二步 Step two, revised"/);
    // Publication: a version only deployed cannot go offline (the page shows the server's
    // refusal, word for word); published, it can.
    const v1 = versions[0].id;
    expectRefusals = true;
    await admin.click(`[data-offline="${v1}"]`);
    const shown = (await noticeError(admin)).trim();
    const refusal = await api(server, 'admin', 'PUT', `/ordo/workorder/definitions/${v1}/publication`, { publication: 'offline' });
    assert.ok(refusal.status >= 400);
    assert.equal(shown, refusal.body.message);
    expectRefusals = false;
    await admin.click(`[data-publish="${v1}"]`);
    await admin.waitForSelector(`[data-publication="${v1}"]:text("published")`);
    await admin.click(`[data-offline="${v1}"]`);
    await admin.waitForSelector(`[data-publication="${v1}"]:text("offline")`);
    assert.equal((await api(server, 'admin', 'GET', `/process-definition/${v1}`)).body.ordoPublication, 'offline');
    await shot(admin, 'design-versions');
    await admin.close();

    // It runs: the employee starts it (no form), the first step is theirs, the manager has the second.
    const employee = await signIn('employee');
    await employee.click('[data-nav=start]');
    await employee.click('[data-start=twoStep]');
    await employee.getByLabel('目的地 Destination').fill('上海 Shanghai');
    await employee.click('[data-action=submit]');
    await employee.waitForURL(/\/console\/instance\/\d+/);
    const id = urlId(employee, 'instance');
    assert.deepEqual((await openTasksOf(id)).map((x) => [x.taskDefinitionKey, x.assignee]), [[second, 'manager']]);
    assert.equal((await api(server, 'admin', 'GET', `/process-instance/${id}/variables`)).body.destination.value, '上海 Shanghai');
    const manager = await signIn('manager');
    await openTodo(manager, id);
    await manager.click('[data-action=complete]');
    await manager.waitForURL(/\/console\/?$/);
    const done = (await api(server, 'admin', 'GET', `/history/process-instance/${id}`)).body;
    assert.equal(done.ordoState, 'completed');
    for (const p of [employee, manager]) await p.close();
  },

  async 'a draft is saved from the start form, listed with its count, and submitted later'() {
    const employee = await signIn('employee');
    await employee.goto(`${server.url}/console/start`);
    await employee.click('[data-start=leaveRequest]');
    await employee.waitForSelector('[data-test=start-form] .fjs-form');
    await employee.getByLabel('病假 Sick').check();
    await employee.getByLabel('天数 Days').fill('2');
    await employee.click('[data-action=draft]');
    await employee.waitForSelector('[data-test=notice-ok]');
    const drafts = (await api(server, 'employee', 'GET', '/ordo/lists/drafts')).body;
    assert.equal(drafts.count, 1);
    await employee.goto(`${server.url}/console/hall/drafts`);
    assert.equal(await employee.textContent('[data-count=drafts]'), '1');
    await employee.click(`[data-open="${drafts.items[0].processInstance.id}"]`);
    await employee.waitForSelector('[data-test=start-form] .fjs-form');
    assert.equal(await employee.getByLabel('天数 Days').inputValue(), '2');
    await employee.getByLabel('事由 Reason').fill('感冒 a cold');
    await employee.click('[data-action=submit]');
    await employee.waitForURL(/\/console\/instance\/\d+/);
    const id = urlId(employee, 'instance');
    assert.equal(id, drafts.items[0].processInstance.id, 'the draft itself started');
    assert.deepEqual((await openTasksOf(id)).map((x) => [x.taskDefinitionKey, x.assignee]), [['leaderApproval', 'manager']]);
    assert.equal((await api(server, 'employee', 'GET', '/ordo/lists')).body.drafts, 0);
    await employee.close();
  },

  async 'the inbox shows the unread counts the server keeps, and reading one lowers them'() {
    const manager = await signIn('manager');
    await manager.goto(`${server.url}/console/inbox`);
    await manager.waitForSelector('[data-test=inbox]');
    const counts = (await api(server, 'manager', 'GET', '/ordo/inbox/count')).body;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    assert.ok(total > 0, 'the manager has unread messages');
    await manager.waitForFunction((n) => document.getElementById('unread').textContent === String(n), total);
    for (const [type, n] of Object.entries(counts)) assert.equal(await manager.textContent(`[data-unread=${type}] .count`), String(n));
    await manager.click('[data-read]');
    await manager.waitForSelector('[data-test=notice-ok]');
    const after = (await api(server, 'manager', 'GET', '/ordo/inbox/count')).body;
    assert.equal(Object.values(after).reduce((a, b) => a + b, 0), total - 1);
    await manager.waitForFunction((n) => document.getElementById('unread').textContent === (n ? String(n) : ''), total - 1);
    await manager.close();
  },

  async 'an administrator filters instances by initiator and state, suspends one and resumes it'() {
    const admin = await signIn('admin');
    await admin.goto(`${server.url}/console/admin/instances?initiator=employee&state=running`);
    await admin.waitForSelector('[data-test=instances]');
    const running = (await api(server, 'admin', 'GET', '/history/process-instance?startedBy=employee&unfinished=true&maxResults=200')).body;
    const rows = await admin.$$eval('[data-test=instances] tbody tr [data-row]', (els) => els.map((e) => e.dataset.row));
    assert.deepEqual(new Set(rows), new Set(running.map((r) => r.id)));
    const id = running[0].id;
    await admin.click(`[data-row="${id}"] [data-action=suspend]`);
    await admin.waitForSelector(`[data-row="${id}"] [data-action=resume]`);
    assert.equal((await api(server, 'admin', 'GET', `/process-instance/${id}`)).body.suspended, true);
    await admin.click(`[data-row="${id}"] [data-action=resume]`);
    await admin.waitForSelector(`[data-row="${id}"] [data-action=suspend]`);
    assert.equal((await api(server, 'admin', 'GET', `/process-instance/${id}`)).body.suspended, false);
    await admin.close();
  },

  async 'an incident shows its error on the incidents page and in monitoring, with links, and retry resolves it'() {
    // A real incident: an external worker reports a failure with no retries left.
    const xml = readFileSync(join(process.env.ORDO_ROOT, 'tests/server/models/external-payment.bpmn'), 'utf8');
    assert.equal((await api(server, 'admin', 'POST', '/ordo/workorder/definitions', { name: 'external-payment', xml })).status, 200);
    const pi = (await api(server, 'admin', 'POST', '/process-definition/key/externalPayment/start', { variables: {} })).body;
    const locked = (await api(server, 'admin', 'POST', '/external-task/fetchAndLock',
      { workerId: 'w', maxTasks: 1, topics: [{ topicName: 'charge-card', lockDuration: 60000 }] })).body;
    assert.equal(locked.length, 1);
    assert.equal((await api(server, 'admin', 'POST', `/external-task/${locked[0].id}/failure`,
      { workerId: 'w', errorMessage: 'card declined 卡被拒', retries: 0, retryTimeout: 0 })).status, 204);
    const incidents = (await api(server, 'admin', 'GET', `/incident?processInstanceId=${pi.id}`)).body;
    assert.equal(incidents.length, 1);

    const admin = await signIn('admin');
    await admin.goto(`${server.url}/console/admin/incidents`);
    await admin.waitForSelector(`[data-retry="${incidents[0].id}"]`);
    assert.match(await admin.textContent('[data-test=incidents]'), /card declined 卡被拒/);
    assert.equal(await admin.getAttribute(`[data-test=incidents] a[href$="/instance/${pi.id}"]`, 'href'), `/console/instance/${pi.id}`);
    await shot(admin, 'incidents');
    await admin.goto(`${server.url}/console/monitor`);
    await admin.waitForSelector('[data-test=abnormal]');
    const monitor = (await api(server, 'admin', 'GET', '/ordo/workorder/monitor')).body;
    assert.equal(await admin.textContent('[data-test=normal]'), String(monitor.normal));
    const links = await admin.$$eval('[data-test=abnormal] tbody a', (a) => a.map((x) => x.textContent));
    assert.deepEqual(links, monitor.abnormal.map((a) => a.processInstanceId));
    assert.ok(monitor.abnormal.some((a) => a.processInstanceId === pi.id && a.reason === 'incident'));
    await admin.goto(`${server.url}/console/admin/incidents`);
    await admin.click(`[data-retry="${incidents[0].id}"]`);
    await admin.waitForSelector('[data-test=notice-ok]');
    assert.equal((await admin.$$(`[data-retry="${incidents[0].id}"]`)).length, 0);
    assert.equal((await api(server, 'admin', 'GET', `/incident?processInstanceId=${pi.id}`)).body.length, 0);
    // Retried: the worker can fetch the task again.
    const again = (await api(server, 'admin', 'POST', '/external-task/fetchAndLock',
      { workerId: 'w', maxTasks: 1, topics: [{ topicName: 'charge-card', lockDuration: 60000 }] })).body;
    assert.equal(again.length, 1);
    await admin.close();
  },

  async 'an administrator adds a department with its leader and a user in it; a wrong leader shows the server\'s refusal'() {
    const admin = await signIn('admin');
    await admin.goto(`${server.url}/console/admin/identity`);
    await admin.waitForSelector('[data-test=departments]');
    const sales = (await api(server, 'admin', 'GET', '/ordo/departments/sales')).body;
    const row = await admin.$$eval('[data-test=departments] tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)).find((c) => c[0] === 'sales'));
    assert.deepEqual(row, [sales.id, sales.name, sales.parent, sales.leader]);
    expectRefusals = true;
    await admin.fill('input[name=departmentId]', 'support');
    await admin.fill('input[name=departmentName]', '客服部 Support');
    await admin.fill('input[name=departmentParent]', 'headquarters');
    await admin.fill('input[name=departmentLeader]', 'nobody-here');
    await admin.click('[data-test=department-form] button');
    const shown = (await noticeError(admin)).trim();
    const refusal = await api(server, 'admin', 'POST', '/ordo/departments', { id: 'support', name: 'x', parent: 'headquarters', leader: 'nobody-here' });
    assert.equal(refusal.status, 404);
    assert.equal(shown, refusal.body.message);
    expectRefusals = false;
    await admin.fill('input[name=departmentLeader]', 'director');
    await admin.click('[data-test=department-form] button');
    await admin.waitForSelector('[data-test=notice-ok]');
    await admin.fill('input[name=userId]', 'wang');
    await admin.fill('input[name=name]', 'Wang Wei');
    await admin.fill('input[name=departments]', 'support');
    await admin.fill('input[name=password]', 'wang-pass-1');
    await admin.click('form.filters:has(input[name=userId]) button');
    await admin.waitForFunction(() => [...document.querySelectorAll('[data-test=departments] td')].some((td) => td.textContent === 'support'));
    assert.deepEqual((await api(server, 'admin', 'GET', '/ordo/departments/support')).body,
      { id: 'support', name: '客服部 Support', parent: 'headquarters', leader: 'director' });
    assert.equal((await api(server, 'admin', 'GET', '/user/wang/profile')).body.ordoDepartment, 'support');
    await shot(admin, 'identity');
    await admin.close();
  },

  async 'a report page shows the figures the API returns'() {
    const admin = await signIn('admin');
    for (const period of ['month', 'year']) {
      await admin.goto(`${server.url}/console/reports?period=${period}`);
      await admin.waitForSelector('[data-test=runs-chart] svg');
      const runs = (await api(server, 'admin', 'GET', `/ordo/workorder/analytics/runs?period=${period}`)).body;
      assert.ok(runs.length > 0, 'the leave request of the first test is counted');
      const shown = await admin.$$eval('[data-test=runs] tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
      assert.deepEqual(shown, runs.map((r) => [r.period, r.group ?? '', String(r.started), String(r.completed), String(r.rejected), String(r.cancelled)]));
    }
    await admin.goto(`${server.url}/console/reports?by=node`);
    await admin.waitForSelector('[data-test=durations-chart] svg');
    const durations = (await api(server, 'admin', 'GET', '/ordo/workorder/analytics/durations?by=node')).body;
    const shown = await admin.$$eval('[data-test=durations] tbody tr', (rows) => rows.map((r) => [...r.cells].map((c) => c.textContent)));
    assert.deepEqual(shown, durations.map((d) => [d.group, String(d.count), (d.meanMillis / 1000).toFixed(1), (d.p90Millis / 1000).toFixed(1), (d.maxMillis / 1000).toFixed(1)]));
    await shot(admin, 'reports');
    await admin.close();
  },

  async 'a wrong password is refused at sign-in with the server\'s message'() {
    const page = await newPage('stranger');
    expectRefusals = true;
    await page.goto(server.url + '/console/');
    await page.fill('input[name=user]', 'employee');
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('[data-test=sign-in]');
    const shown = (await noticeError(page)).trim();
    const r = await fetch(server.url + '/engine-rest/user/employee/profile',
      { headers: { Authorization: 'Basic ' + Buffer.from('employee:not-the-password').toString('base64') } });
    assert.equal(r.status, 401);
    assert.equal(shown, (await r.json()).message);
    assert.equal(await page.$$eval('[data-test=user-menu]', (e) => e.length), 0, 'not signed in');
    expectRefusals = false;
    await page.close();
  },

  async 'every page loads with no console errors, in Chinese and in English'() {
    const admin = await signIn('admin');
    const pages = ['/', '/hall/done', '/hall/started', '/hall/cc', '/hall/drafts', '/start', '/inbox', '/admin/instances',
      '/admin/incidents', '/admin/identity', '/admin/credentials', '/reports', '/monitor', '/design'];
    for (const p of pages) {
      await admin.goto(server.url + '/console' + p);
      await admin.waitForSelector('#page h1');
      await admin.waitForLoadState('networkidle');
      assert.equal(await admin.$$eval('[data-test=notice-error]', (e) => e.length), 0, `${p} shows no error`);
      await shot(admin, 'page' + (p === '/' ? '-hall' : p.replaceAll('/', '-')));
    }
    assert.equal(await admin.textContent('[data-nav=hall]'), '工单大厅');
    await admin.click('[data-test=language]');
    assert.equal(await admin.textContent('[data-nav=hall]'), 'Work-order hall');
    await admin.click('[data-test=language]');
    // A phone: the navigation folds behind the menu button and nothing is wider than the screen.
    await admin.setViewportSize({ width: 390, height: 844 });
    await admin.goto(server.url + '/console/admin/instances');
    await admin.waitForSelector('#page h1');
    assert.ok(await admin.isVisible('header.top .burger'));
    assert.ok(!(await admin.isVisible('[data-nav=reports]')));
    assert.ok(await admin.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'no sideways scrolling');
    await shot(admin, 'phone-instances');
    await admin.close();
  },
};

let failed = 0;
const started = Date.now();
try {
  for (const [name, run] of Object.entries(tests).filter(([n]) => !only || n.includes(only))) {
    const t0 = Date.now();
    try {
      await run();
      console.log(`ok   ${name} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${name}\n${e.stack}`);
    }
  }
  if (consoleErrors.length) {
    failed++;
    console.log('FAIL console errors:\n  ' + consoleErrors.join('\n  '));
  }
} finally {
  await browser.close();
  await server.stop();
}
console.log(`${Object.keys(tests).length} browser tests, ${failed} failed, ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
process.exit(failed ? 1 : 0);
