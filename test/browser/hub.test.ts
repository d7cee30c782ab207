/**
 * `npm run hub` as a class uses it: the hub started by scripts/hub.sh on a loopback port with a
 * class list of three students; each student logs in through Chromium (the first login sets the
 * password), gets JupyterLab with their own copy of the lessons, and all three run
 * 02-discriminator (class mode) at the same time to the end. Then: one student's edit is not
 * seen by another, nor in the course copy; a student's kernel gets a permission error on
 * another's home and on the course's notebooks, a 403 from the hub's admin API, runs inside its
 * own cgroup with the thread cap in its environment (and the lesson's backend line says 1
 * thread); another student's server answers 403. A second `npm run hub` is refused while one
 * runs. Afterwards the hub, every server and kernel, every account and home the test made, and
 * the cgroups are gone. Needs root (the hub makes Linux accounts); CI runs as root.
 * Screenshot: artifacts/screenshots/hub/student-2-02.png.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, ChildProcess } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium, screenshotPath } from './chromium';
import { REPO, freePort, runNotebookInLab, LabServer, LabRunReport } from './jupyterlab';

const STUDENTS = ['ganhubtest1', 'ganhubtest2', 'ganhubtest3'];
const PASSWORD = 'gan-lab-class-2026';
const state = path.join(REPO, 'build', 'e2e', 'hub-state');
const classList = path.join(REPO, 'build', 'e2e', 'hub-class.txt');
const serviceToken = crypto.randomBytes(16).toString('hex');
const isRoot = process.getuid?.() === 0;
const hubEnv = { ...process.env, GAN_HUB_STATE: state, GAN_HUB_SKIP_SETUP: '1', GAN_HUB_TEST_TOKEN: serviceToken };

let hub: ChildProcess | undefined;
let hubLog = '';
let base = '';
let port = 0;
let browser: Browser | undefined;
const contexts = new Map<string, BrowserContext>();
const tokens = new Map<string, string>();
let hubStartSeconds = 0;

function removeAccounts(): string {
  const r = spawnSync('bash', ['scripts/hub.sh', '--remove-accounts'], { cwd: REPO, env: hubEnv, encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`;
}

async function hubApi(pathname: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}/hub/api${pathname}`, { ...init, headers: { Authorization: `token ${serviceToken}`, 'Content-Type': 'application/json', ...(init.headers ?? {}) } });
}

/** The student's own server as the Lab helpers see it (their token; the hub's log). */
const labOf = (student: string): LabServer => ({ base: `${base}/user/${student}`, token: tokens.get(student)!, log: () => hubLog, stop: async () => undefined });

async function contents(student: string, file: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}/user/${student}/api/contents/${file}`, { ...init, headers: { Authorization: `token ${tokens.get(student)}`, 'Content-Type': 'application/json' } });
}

before(async () => {
  if (!isRoot) return;
  fs.mkdirSync(path.dirname(classList), { recursive: true });
  removeAccounts();   // what an earlier, interrupted run of this test left
  fs.rmSync(state, { recursive: true, force: true });
  fs.writeFileSync(classList, `# test class\n${STUDENTS.join('\n')}\n`);
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  hub = spawn('bash', ['scripts/hub.sh', '--class-list', classList, '--port', String(port)], { cwd: REPO, env: hubEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  hub.stdout!.on('data', (d) => (hubLog += d));
  hub.stderr!.on('data', (d) => (hubLog += d));
  const deadline = Date.now() + 15 * 60000;   // a fresh machine installs .venv-hub first
  let readySince = 0;
  while (Date.now() < deadline) {
    if (hub.exitCode !== null) throw new Error(`npm run hub exited (${hub.exitCode}):\n${hubLog.slice(-4000)}`);
    if (!readySince && hubLog.includes('==> JupyterHub for')) readySince = Date.now();
    const ok = await fetch(`${base}/hub/api/`).then((r) => r.ok, () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  hubStartSeconds = (Date.now() - (readySince || started)) / 1000;
  browser = await launchChromium();
});

after(async () => {
  for (const c of contexts.values()) await c.close().catch(() => undefined);
  await browser?.close();
  if (hub?.pid && hub.exitCode === null) {
    const exited = new Promise((r) => hub!.once('exit', r));
    process.kill(-hub.pid, 'SIGTERM');
    const timer = setTimeout(() => { try { process.kill(-hub!.pid!, 'SIGKILL'); } catch { /* gone */ } }, 60000);
    await exited;
    clearTimeout(timer);
  }
  if (isRoot) removeAccounts();
});

test('the hub listens on loopback only and refuses a second start and a bad class list', { skip: !isRoot && 'needs root (the hub makes Linux accounts)' }, async () => {
  assert.ok(hubLog.includes(`http://127.0.0.1:${port}/`), hubLog.slice(0, 2000));
  // Reachable on loopback, refused on every other address of this machine.
  const external = Object.values(os.networkInterfaces()).flat().filter((a) => a && !a.internal && a.family === 'IPv4').map((a) => a!.address);
  for (const address of external) {
    const outcome = await new Promise<string>((resolve) => {
      const socket = net.connect(port, address, () => { socket.destroy(); resolve('connected'); });
      socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    assert.equal(outcome, 'ECONNREFUSED', `the hub answered on ${address}:${port}`);
  }
  const again = spawnSync('bash', ['scripts/hub.sh', '--class-list', classList, '--port', String(port + 1)], { cwd: REPO, env: hubEnv, encoding: 'utf8' });
  assert.equal(again.status, 1);
  assert.match(again.stderr, /a hub is already running \(PID \d+\)/);
  const badList = path.join(path.dirname(classList), 'hub-bad-class.txt');
  fs.writeFileSync(badList, 'ganhubok9\nBad Name\nroot\n');
  const bad = spawnSync('bash', ['scripts/hub.sh', '--class-list', badList, '--port', String(port + 2)], { cwd: REPO, env: { ...hubEnv, GAN_HUB_STATE: path.join(state, 'bad') }, encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /line 2: "Bad Name" is not a valid Linux user name/);
  assert.match(bad.stderr, /line 3: "root" is a system account/);
  assert.match(bad.stderr, /nothing was created/);
  assert.notEqual(spawnSync('id', ['ganhubok9']).status, 0, 'no account made for a list that failed');
});

test('three students log in through Chromium (first login sets the password), each to their own Lab', { skip: !isRoot && 'needs root' }, async () => {
  for (const student of STUDENTS) {
    const context = await browser!.newContext({ viewport: { width: 1400, height: 1000 } });
    contexts.set(student, context);
    const page = await context.newPage();
    await page.goto(`${base}/hub/login`);
    await page.fill('#username_input', student);
    await page.fill('#password_input', PASSWORD);
    await page.click('#login_submit');
    await page.waitForURL(new RegExp(`/user/${student}/lab`), { timeout: 180000 });
    await page.waitForSelector('.jp-LabShell', { timeout: 120000 });
    await page.close();
    const made = await hubApi(`/users/${student}/tokens`, { method: 'POST', body: JSON.stringify({ note: 'gan-lab hub test', expires_in: 3600 }) });
    const body = await made.text();
    assert.equal(made.status, 201, body);
    tokens.set(student, (JSON.parse(body) as { token: string }).token);
  }
  // A wrong password for a name that has one is refused.
  const stranger = await browser!.newContext();
  const page = await stranger.newPage();
  await page.goto(`${base}/hub/login`);
  await page.fill('#username_input', STUDENTS[0]);
  await page.fill('#password_input', 'not-the-password');
  await page.click('#login_submit');
  await page.waitForTimeout(1500);
  assert.ok(!page.url().includes(`/user/${STUDENTS[0]}`), `a wrong password got in: ${page.url()}`);
  await stranger.close();
  // Each student's folder holds the lessons.
  for (const student of STUDENTS) {
    const listing = await contents(student, 'notebooks');
    assert.equal(listing.status, 200);
    const names = ((await listing.json()) as { content: Array<{ name: string }> }).content.map((c) => c.name);
    assert.ok(names.includes('02-discriminator.ipynb') && names.includes('13-evaluation.ipynb'), names.join(', '));
  }
});

test('02-discriminator alone, then three students at once, each to the end, with the thread cap', { skip: !isRoot && 'needs root' }, async () => {
  assert.equal(tokens.size, STUDENTS.length, 'the login test made a token for each student');
  const run = (student: string, shot: string): Promise<LabRunReport> =>
    runNotebookInLab(contexts.get(student) as unknown as Browser, labOf(student), REPO, 'notebooks/02-discriminator.ipynb', shot, 15 * 60000);
  fs.mkdirSync(screenshotPath('hub'), { recursive: true });
  const alone = await run(STUDENTS[0], screenshotPath('hub/student-1-alone-02.png'));
  assert.equal(alone.failure, undefined, JSON.stringify(alone.failure));
  const together = await Promise.all(STUDENTS.map((s, i) => run(s, screenshotPath(`hub/student-${i + 1}-02.png`))));
  for (const [i, report] of together.entries()) {
    assert.equal(report.failure, undefined, `${STUDENTS[i]}: ${JSON.stringify(report.failure)}`);
    assert.equal(report.executed, report.codeCells, `${STUDENTS[i]}: ${report.executed}/${report.codeCells} cells`);
    assert.match(report.printed, /Backend native \(1 thread;/, `${STUDENTS[i]}: the thread cap did not reach the kernel:\n${report.printed.slice(0, 600)}`);
    assert.match(report.printed, /class mode/);
  }
  const peakMemory = STUDENTS.map((s) => {
    try { return `${(Number(fs.readFileSync(`/sys/fs/cgroup/memory/gan-hub/${s}/memory.max_usage_in_bytes`, 'utf8')) / 2 ** 30).toFixed(2)} GB`; } catch { return 'no cgroup'; }
  });
  console.log(`hub: up in ${hubStartSeconds.toFixed(1)} s; 02-discriminator (class mode) alone ${alone.seconds.toFixed(1)} s, three together ${together.map((r) => r.seconds.toFixed(1)).join(' s, ')} s; peak memory per student (server + kernel): ${peakMemory.join(', ')}`);
});

test("students are kept apart: their own copies, no reading another's home or the course, no admin API", { skip: !isRoot && 'needs root' }, async () => {
  const [a, b] = STUDENTS;
  const courseBefore = crypto.createHash('sha256').update(fs.readFileSync(path.join(REPO, 'notebooks', '02-discriminator.ipynb'))).digest('hex');
  // A's edit, saved through A's server, is A's alone.
  const mine = (await (await contents(a, 'notebooks/02-discriminator.ipynb')).json()) as { content: { cells: unknown[] } };
  mine.content.cells.unshift({ cell_type: 'markdown', metadata: {}, source: 'EDITED BY A' });
  const saved = await contents(a, 'notebooks/02-discriminator.ipynb', { method: 'PUT', body: JSON.stringify({ type: 'notebook', format: 'json', content: mine.content }) });
  assert.equal(saved.status, 200, await saved.text());
  const theirs = JSON.stringify(await (await contents(b, 'notebooks/02-discriminator.ipynb')).json());
  assert.ok(!theirs.includes('EDITED BY A'), "B sees A's edit");
  assert.ok(JSON.stringify(await (await contents(a, 'notebooks/02-discriminator.ipynb')).json()).includes('EDITED BY A'));
  const courseAfter = crypto.createHash('sha256').update(fs.readFileSync(path.join(REPO, 'notebooks', '02-discriminator.ipynb'))).digest('hex');
  assert.equal(courseAfter, courseBefore, 'the course copy changed');
  // A's browser session and A's token cannot use B's server.
  const other = await contexts.get(a)!.request.get(`${base}/user/${b}/api/contents/notebooks`, { maxRedirects: 0 });
  assert.ok([403, 404].includes(other.status()) || other.status() >= 300 && other.status() < 400, `A's session on B's server: ${other.status()}`);
  const withToken = await fetch(`${base}/user/${b}/api/contents/notebooks`, { headers: { Authorization: `token ${tokens.get(a)}` }, redirect: 'manual' });
  assert.equal(withToken.status, 403, "A's token on B's server");
  // What A's kernel can reach.
  const probe = {
    cells: [
      "import * as fs from 'fs';\n" +
      `let other = 'READ'; try { fs.readdirSync('/home/${b}'); } catch (e) { other = (e as NodeJS.ErrnoException).code ?? String(e); }\nconsole.log('other home:', other);`,
      `let course = 'WROTE'; try { fs.writeFileSync('${path.join(REPO, 'notebooks', 'probe.txt')}', 'x'); } catch (e) { course = (e as NodeJS.ErrnoException).code ?? String(e); }\nconsole.log('course write:', course);`,
      "const res = await fetch(`${process.env.JUPYTERHUB_API_URL}/users`, { headers: { Authorization: `token ${process.env.JUPYTERHUB_API_TOKEN}` } });\nconsole.log('hub admin api:', res.status);",
      "console.log('cgroups:', fs.readFileSync('/proc/self/cgroup', 'utf8').split('\\n').filter((l) => /:(memory|cpu[^:]*):/.test(l)).join(' '));\nconsole.log('threads:', process.env.TF_NUM_INTRAOP_THREADS, process.env.OMP_NUM_THREADS);",
    ].map((source) => ({ cell_type: 'code', metadata: {}, source, outputs: [], execution_count: null })),
    metadata: { kernelspec: { name: 'tslab', display_name: 'TypeScript', language: 'typescript' } },
    nbformat: 4, nbformat_minor: 5,
  };
  const probeDir = path.join(REPO, 'build', 'e2e', 'hub-probe');
  fs.mkdirSync(path.join(probeDir, 'notebooks'), { recursive: true });
  fs.writeFileSync(path.join(probeDir, 'notebooks', 'hub-probe.ipynb'), JSON.stringify(probe));
  const put = await contents(a, 'notebooks/hub-probe.ipynb', { method: 'PUT', body: JSON.stringify({ type: 'notebook', format: 'json', content: probe }) });
  assert.equal(put.status, 201, await put.text());
  const report = await runNotebookInLab(contexts.get(a) as unknown as Browser, labOf(a), probeDir, 'notebooks/hub-probe.ipynb', screenshotPath('hub/probe.png'), 180000);
  assert.equal(report.failure, undefined, JSON.stringify(report.failure));
  assert.match(report.printed, /other home: EACCES/);
  assert.match(report.printed, /course write: EACCES/);
  assert.match(report.printed, /hub admin api: 403/);
  assert.match(report.printed, new RegExp(`memory:/gan-hub/${a}`));
  assert.match(report.printed, new RegExp(`cpu[^:]*:/gan-hub/${a}`));
  assert.match(report.printed, /threads: 1 1/);
});

test('after the hub stops, nothing of the test is left: hub, servers, kernels, accounts, homes, cgroups', { skip: !isRoot && 'needs root' }, async () => {
  const pid = hub!.pid!;
  const exited = new Promise((r) => hub!.once('exit', r));
  process.kill(-pid, 'SIGTERM');
  await exited;
  const out = removeAccounts();
  for (const student of STUDENTS) {
    assert.match(out, new RegExp(`removed account ${student}`));
    assert.notEqual(spawnSync('id', [student]).status, 0, `${student} still exists`);
    assert.ok(!fs.existsSync(`/home/${student}`), `/home/${student} still exists`);
    assert.notEqual(spawnSync('pgrep', ['-u', student]).status, 0, `${student} still runs processes`);
  }
  assert.equal(spawnSync('pgrep', ['-f', `jupyterhub -f ${REPO}/hub/jupyterhub_config.py`]).status, 1, 'jupyterhub still runs');
  assert.ok(!fs.existsSync('/sys/fs/cgroup/memory/gan-hub'), 'the cgroups are left');
  assert.equal(await fetch(`${base}/hub/api/`).then(() => 'answered', () => 'closed'), 'closed');
});
