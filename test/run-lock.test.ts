/**
 * One writer per run folder, tried with real trainer processes as a user would: a second
 * `npm run train` on a folder that a live run is writing stops at once naming the first's PID;
 * the lock goes when the first stops; a lock left by a dead process is taken over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { acquireRunLock, RUN_LOCK_FILE } from '../lib/io';

const repo = path.resolve(__dirname, '..', '..');
const trainer = path.join(repo, 'build', 'lib', 'cli', 'train.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gan-lock-'));
const args = (out: string, epochs: number) => [trainer, '--model', 'cgan-mnist', '--limit', '512', '--epochs', String(epochs), '--steps-per-epoch', '2', '--out', out, '--backend', 'cpu', '--seed', '1'];

test('a second trainer on a folder that a live run writes stops at once and names the PID; the lock goes with the first run', { timeout: 180000 }, async () => {
  const out = path.join(tmp, 'shared');
  const first = spawn(process.execPath, args(out, 1000), { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  let firstLog = '';
  first.stdout.on('data', (d) => (firstLog += d));
  first.stderr.on('data', (d) => (firstLog += d));
  const lock = path.join(out, RUN_LOCK_FILE);
  const deadline = Date.now() + 60000;
  while (!fs.existsSync(lock) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
  assert.ok(fs.existsSync(lock), `the first run made no lock:\n${firstLog}`);
  assert.equal(JSON.parse(fs.readFileSync(lock, 'utf8')).pid, first.pid);
  while (!/Epoch 1\//.test(firstLog) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

  const started = Date.now();
  const second = spawnSync(process.execPath, args(out, 1000), { cwd: repo, encoding: 'utf8' });
  assert.notEqual(second.status, 0);
  assert.match(second.stderr, new RegExp(`being written by another run \\(PID ${first.pid},`));
  assert.ok(Date.now() - started < 30000, 'the second run must stop at once, not after training');

  const exited = new Promise((r) => first.once('exit', r));
  first.kill('SIGTERM'); // stops after the current step, saves a checkpoint
  await exited;
  assert.ok(!fs.existsSync(lock), 'the first run left its lock behind');
  assert.match(firstLog, /Stopped after epoch|SIGTERM/);
});

test('a lock left by a process that is gone is taken over', { timeout: 120000 }, () => {
  const out = path.join(tmp, 'stale');
  fs.mkdirSync(out, { recursive: true });
  const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(gone.stdout);
  fs.writeFileSync(path.join(out, RUN_LOCK_FILE), JSON.stringify({ pid: deadPid, startedAt: '2026-01-01T00:00:00Z', host: os.hostname(), command: 'train' }));
  const run = spawnSync(process.execPath, args(out, 1), { cwd: repo, encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stderr, new RegExp(`left by a run that is no longer running \\(PID ${deadPid}\\)`));
  assert.ok(!fs.existsSync(path.join(out, RUN_LOCK_FILE)));
  assert.ok(fs.existsSync(path.join(out, 'checkpoint', 'state.json')));
});

test('in one process: the lock is exclusive and released', () => {
  const dir = path.join(tmp, 'inproc');
  const release = acquireRunLock(dir);
  assert.ok(fs.existsSync(path.join(dir, RUN_LOCK_FILE)));
  release();
  assert.ok(!fs.existsSync(path.join(dir, RUN_LOCK_FILE)));
  acquireRunLock(dir)();
});
