// The real parts the browser tests drive: ordo-server on 127.0.0.1 (a port it picks, a SQLite
// file in a temp dir, the samples and sample users), Debian's Chromium through playwright-core,
// and plain HTTP to the same server for what the pages must agree with.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.ORDO_CHROMIUM || '/usr/bin/chromium';
export const PASSWORDS = { employee: 'employee-pass', manager: 'manager-pass', director: 'director-pass', admin: 'admin-pass' };
// Without the background-networking flags Chromium's own connections are refused on a closed network.
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync'];

export async function startServer() {
  const root = process.env.ORDO_ROOT;
  const dir = mkdtempSync(join(tmpdir(), 'ordo-console-test-'));
  const args = ['--listen', '127.0.0.1:0', '--db', join(dir, 'test.db'), '--access-log', join(dir, 'access.log'),
    '--deploy', join(root, 'bpmn-samples'), '--deploy', join(root, 'bpmn-samples', 'with-forms'), '--sample-users',
    '--console', process.env.ORDO_CONSOLE_DIR];
  const proc = spawn(process.env.ORDO_SERVER, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: proc.stdout });
    lines.once('line', resolve);
    proc.once('exit', (code) => reject(new Error(`ordo-server exited (${code}) before listening`)));
  });
  if (!first.includes('listening on http://')) throw new Error('ordo-server did not start: ' + first);
  proc.stdout.resume();
  const url = first.trim().split('listening on ')[1];
  return { url, dir, stop: () => new Promise((r) => { proc.once('exit', r); proc.kill('SIGTERM'); }) };
}

export async function launchBrowser(dir) {
  const profile = join(dir, 'chromium-profile');
  mkdirSync(profile, { recursive: true });
  return chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
}

export async function api(server, user, method, path, body) {
  const headers = { Authorization: 'Basic ' + Buffer.from(`${user}:${PASSWORDS[user]}`).toString('base64') };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const r = await fetch(server.url + '/engine-rest' + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text ? JSON.parse(text) : null };
}

export function chromiumPresent() {
  return existsSync(CHROMIUM);
}
