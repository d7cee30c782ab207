/**
 * Run folders that outlive the page in JupyterLite (lite/worker/run-folders.ts): the browser
 * kernel's file tree (lite/worker/shims/fs.ts, here in Node) sends what changes under /runs/ to
 * the drive a moment later, under the final names of a folder written atomically, without the
 * run's lock; and a kernel started with the kept files has them back, without echoing them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as shim from '../lite/worker/shims/fs';
import { WriteBehind, isKept, type DriveChanges } from '../lite/worker/run-folders';
import { saveOrder } from '../lite/kernel/src/save-order';

function keptTree(delayMs = 1000) {
  const sent: DriveChanges[] = [];
  const keep = new WriteBehind(
    { exists: shim.existsSync, fileAt: (p) => (shim.statSync(p, { throwIfNoEntry: false })?.isFile() ? (shim.readFileSync(p) as Uint8Array) : undefined) },
    (changes) => sent.push(changes),
    delayMs,
  );
  shim.onWrite((absolute) => keep.noteWrite(absolute));
  return { keep, sent };
}

test('what is kept: files under /runs/, not temporary names, not the run lock', () => {
  assert.ok(isKept('/runs/notebook-dcgan-mnist-class/log.csv'));
  assert.ok(isKept('/runs/notebook-dcgan-mnist-class/checkpoint/state.json'));
  assert.ok(!isKept('/runs/notebook-dcgan-mnist-class/.checkpoint.tmp-abc/state.json'));
  assert.ok(!isKept('/runs/notebook-dcgan-mnist-class/run.lock'));
  assert.ok(!isKept('/runs/notebook-dcgan-mnist-class/log.csv.tmp-12-1733390000000'), "writeFileAtomic's temporary file");
  assert.ok(!isKept('/runs/notebook-dcgan-mnist-class/checkpoint.old-12/state.json'), "writeFolderAtomic's replaced folder");
  assert.ok(!isKept('/notebooks/scratch.txt'));
  assert.ok(!isKept('/runsx/a'));
});

test('a checkpoint written atomically reaches the drive under its final name only; the folder it replaced never does, and a folder removed goes whole', () => {
  shim.setCwd('/notebooks');
  const { keep, sent } = keptTree();
  const run = '/runs/notebook-training-class';
  shim.mkdirSync(`${run}/checkpoint`, { recursive: true });
  shim.writeFileSync(`${run}/checkpoint/state.json`, '{"epoch":1}');
  shim.writeFileSync(`${run}/run.lock`, '{"pid":1}');
  keep.flush();
  const first = sent.pop()!;
  assert.deepEqual(first.writes.map((w) => [w.path, new TextDecoder().decode(w.data)]), [['runs/notebook-training-class/checkpoint/state.json', '{"epoch":1}']]);
  assert.deepEqual(first.removes, []);

  // lib/io.ts writeFolderAtomic: a hidden temporary folder, the old one renamed aside, the new one renamed in, the old removed.
  const tmp = shim.mkdtempSync(`${run}/.checkpoint.tmp-`);
  shim.writeFileSync(`${tmp}/state.json`, '{"epoch":2}');
  shim.writeFileSync(`${tmp}/weights.bin`, new Uint8Array([1, 2, 3]));
  shim.renameSync(`${run}/checkpoint`, `${run}/checkpoint.old-1`);
  shim.renameSync(tmp, `${run}/checkpoint`);
  shim.rmSync(`${run}/checkpoint.old-1`, { recursive: true, force: true });
  shim.appendFileSync(`${run}/log.csv`, 'epoch,dLoss\n1,0.69\n');
  keep.flush();
  const changes = sent.pop()!;
  assert.deepEqual(changes.writes.map((w) => w.path), [
    'runs/notebook-training-class/checkpoint/state.json',
    'runs/notebook-training-class/checkpoint/weights.bin',
    'runs/notebook-training-class/log.csv',
  ]);
  assert.equal(new TextDecoder().decode(changes.writes[0].data), '{"epoch":2}', 'the files as they are at the flush');
  assert.deepEqual(changes.removes, [], 'the replaced folder, under a temporary name, never reached the drive');
  assert.ok(changes.writes.every((w) => !w.path.includes('.tmp-') && !w.path.includes('.old-') && !w.path.endsWith('run.lock')));

  // A run started afresh removes the folder: one removal for all of it.
  shim.rmSync(run, { recursive: true, force: true });
  keep.flush();
  assert.deepEqual(sent.pop(), { writes: [], removes: ['runs/notebook-training-class'] });
  keep.flush();
  assert.equal(sent.length, 0, 'nothing new, nothing sent');
});

test('writes go to the drive together a second after the first one, and kept files come back into a new kernel without being sent again', async () => {
  const { sent } = keptTree(20);
  shim.mkdirSync('/runs/r', { recursive: true });
  shim.writeFileSync('/runs/r/a.png', new Uint8Array([137, 80]));
  shim.writeFileSync('/runs/r/b.png', new Uint8Array([137, 81]));
  assert.equal(sent.length, 0, 'not at once');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(sent.length, 1, 'once, for both');
  assert.deepEqual(sent[0].writes.map((w) => w.path), ['runs/r/a.png', 'runs/r/b.png']);

  shim.restoreFile('/runs/kept/checkpoint/state.json', new TextEncoder().encode('{"epoch":3}'));
  assert.equal(JSON.parse(shim.readFileSync('/runs/kept/checkpoint/state.json', 'utf8') as string).epoch, 3);
  assert.deepEqual(shim.readdirSync('/runs/kept'), ['checkpoint'], 'its folders with it');
  await new Promise((resolve) => setTimeout(resolve, 60));
  assert.equal(sent.length, 1, 'a restored file is not a write');
});

test('the page saves a checkpoint so that a batch cut short never pairs a state with other weights: state.json deleted first, written last', () => {
  const file = (p: string) => ({ path: p, data: new Uint8Array([1]) });
  const { first, files } = saveOrder([
    file('runs/r/checkpoint/discriminator/weights.bin'),
    file('runs/r/checkpoint/state.json'),
    file('runs/r/log.csv'),
    file('runs/r/checkpoint/optimizer-gan.bin'),
  ]);
  assert.deepEqual(first, ['runs/r/checkpoint/state.json']);
  assert.deepEqual(files.map((f) => f.path), ['runs/r/checkpoint/discriminator/weights.bin', 'runs/r/log.csv', 'runs/r/checkpoint/optimizer-gan.bin', 'runs/r/checkpoint/state.json']);
});
