/**
 * The class hub's parts that need no running hub: its Python pins follow the lessons', the
 * lesson sync keeps a student's edits (nbgitpuller's rules), and `npm run hub` refuses bad input
 * with one line and the fix before it creates anything. The hub itself, with three students in
 * Chromium, is test/browser/hub.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { spawnSync } from 'child_process';

const repo = path.resolve(__dirname, '..', '..');
const pins = (file: string) => new Map(fs.readFileSync(path.join(repo, file), 'utf8').split('\n')
  .filter((l) => /^[A-Za-z0-9_.-]+==/.test(l)).map((l) => l.split('==') as [string, string]));

test("requirements-hub.txt is the lessons' requirements plus JupyterHub, installable on Debian 12's Python 3.11.2", () => {
  const hub = fs.readFileSync(path.join(repo, 'requirements-hub.txt'), 'utf8');
  assert.match(hub, /^-r requirements\.txt$/m);
  for (const name of ['jupyterhub', 'jupyterhub-firstuseauthenticator', 'jupyterhub-idle-culler']) assert.ok(pins('requirements-hub.txt').has(name), name);
  // soupsieve 3.x requires Python >= 3.11.5 (3.0.0-3.0.1 yanked for older 3.11): Debian 12 has 3.11.2.
  assert.equal(pins('requirements.txt').get('soupsieve'), '2.8.3');
});

test('the lesson sync copies new lessons, follows the course where the student changed nothing, and never overwrites an edit', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-sync-'));
  const course = path.join(dir, 'course');
  const student = path.join(dir, 'student');
  fs.mkdirSync(course);
  fs.mkdirSync(student);
  const sync = () => {
    const r = spawnSync('python3', [path.join(repo, 'hub', 'sync_lessons.py'), course, student], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stderr;
  };
  const read = (f: string) => fs.readFileSync(path.join(student, f), 'utf8');
  fs.writeFileSync(path.join(course, 'a.ipynb'), 'a1');
  fs.writeFileSync(path.join(course, 'b.ipynb'), 'b1');
  assert.match(sync(), /copied a\.ipynb[\s\S]*copied b\.ipynb/);
  fs.writeFileSync(path.join(student, 'b.ipynb'), 'b1 + my work');   // the student edits b
  fs.rmSync(path.join(student, 'a.ipynb'));                          // and deletes a
  fs.writeFileSync(path.join(course, 'a.ipynb'), 'a2');              // the course updates both
  fs.writeFileSync(path.join(course, 'b.ipynb'), 'b2');
  fs.writeFileSync(path.join(course, 'c.ipynb'), 'c1');              // and adds c
  const second = sync();
  assert.equal(read('a.ipynb'), 'a2', 'a deleted lesson comes back, in its new version');
  assert.equal(read('b.ipynb'), 'b1 + my work', "the student's edit is kept");
  assert.equal(read('b.course-update.ipynb'), 'b2', 'the new version is beside it');
  assert.equal(read('c.ipynb'), 'c1');
  assert.match(second, /kept your b\.ipynb/);
  fs.writeFileSync(path.join(course, 'c.ipynb'), 'c2');              // c untouched by the student: follows the course
  sync();
  assert.equal(read('c.ipynb'), 'c2');
  assert.equal(read('b.ipynb'), 'b1 + my work');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('npm run hub refuses a port in use with one line and the fix, before it creates any account', { skip: process.getuid?.() !== 0 && 'the checks after "run it as root" need root' }, async () => {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-hub-'));
  fs.writeFileSync(path.join(dir, 'class.txt'), 'ganhubport1\n');
  const r = spawnSync('bash', ['scripts/hub.sh', '--class-list', path.join(dir, 'class.txt'), '--port', String(port)], { cwd: repo, env: { ...process.env, GAN_HUB_STATE: path.join(dir, 'state') }, encoding: 'utf8' });
  server.close();
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`^npm run hub: port ${port} on 127\\.0\\.0\\.1 is in use: choose another with --port`, 'm'));
  assert.notEqual(spawnSync('id', ['ganhubport1']).status, 0, 'an account was made');
  fs.rmSync(dir, { recursive: true, force: true });
});

test('npm run hub says why it needs root when run by an ordinary user', () => {
  const asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'nobody', '--', 'bash', 'scripts/hub.sh', '--class-list', '/dev/null'] : ['bash', 'scripts/hub.sh', '--class-list', '/dev/null'];
  const r = spawnSync(asUser[0], asUser.slice(1), { cwd: repo, encoding: 'utf8' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /run it as root \(sudo npm run hub -- \.\.\.\): the hub makes a Linux account for each student/);
});
