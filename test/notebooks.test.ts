/**
 * The lessons as stored: without outputs (CI executes them; the gallery shows them run), on the
 * TypeScript kernel, each ending with a summary and exercises, and each one that writes out a
 * network or a step checking it against the library with lab.check (strict in CI, a friendly
 * note in class), each saying what it follows and how long it takes, and each training lesson
 * training the networks and step its cells wrote.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';

const dir = path.resolve(__dirname, '..', '..', 'notebooks');
const notebooks = fs.readdirSync(dir).filter((f) => f.endsWith('.ipynb')).sort();

interface Cell { cell_type: string; source: string[]; outputs?: unknown[]; execution_count?: number | null }
const read = (f: string) => JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as { cells: Cell[]; metadata: { kernelspec?: { name: string } } };
const text = (cells: Cell[], type: string) => cells.filter((c) => c.cell_type === type).map((c) => c.source.join('')).join('\n');

test('every notebook is stored without outputs, on the tslab kernel', () => {
  assert.ok(notebooks.length >= 14, notebooks.join(', '));
  for (const f of notebooks) {
    const nb = read(f);
    assert.equal(nb.metadata.kernelspec?.name, 'tslab', f);
    for (const c of nb.cells.filter((x) => x.cell_type === 'code')) {
      assert.deepEqual(c.outputs, [], `${f}: a code cell has stored outputs`);
      assert.equal(c.execution_count ?? null, null, `${f}: a code cell has an execution count`);
    }
  }
});

test('every lesson ends with a Summary and Exercises', () => {
  for (const f of notebooks) {
    const md = text(read(f).cells, 'markdown');
    const summary = md.lastIndexOf('## Summary');
    const exercises = md.lastIndexOf('## Exercises');
    assert.ok(summary >= 0 && exercises > summary, `${f}: no "## Summary" followed by "## Exercises"`);
    assert.ok((md.slice(exercises).match(/^\d+\. /gm) ?? []).length >= 3, `${f}: fewer than three exercises`);
  }
});

test('the lessons that write the tutorial\'s code check it against the library with lab.check (strict in CI, a note in class), never with a bare assert', () => {
  const writesCode = ['02-discriminator', '03-generator', '04-gan', '05-training', '06b-dcgan-fashion', '07-cgan-fashion', '08-cgan-mnist-dense', '09-acgan-mnist', '10-latent-space', '11-dcgan-cifar10', '12-dcgan-64'];
  for (const name of writesCode) {
    const code = text(read(`${name}.ipynb`).cells, 'code');
    assert.match(code, /function define|function trainStep|function slerp|function piecewise/, `${name}: writes no tutorial function`);
    assert.match(code, /lab\.check\.(model|step|same)\(/, `${name}: no comparison with the library`);
    assert.doesNotMatch(code, /\bsetWeights\(/, `${name}: equivalence plumbing (setWeights) in a cell; lab.check does it on fresh copies`);
    assert.doesNotMatch(code, /assert\.[a-zA-Z]+\([^;\n]*(maxAbsDifference|countParams|Gap\b|gap\b)/, `${name}: a bare assert on a comparison stops Run All when a student changes a cell`);
  }
});

test('every lesson says in its first markdown cell which tutorial it follows and how long it takes, and chooses its mode in its first code cell', () => {
  for (const f of notebooks) {
    const nb = read(f);
    const firstMd = nb.cells.find((c) => c.cell_type === 'markdown')!.source.join('');
    assert.match(firstMd, /\*\*Follows\*\*/, `${f}: no "**Follows**" line`);
    assert.match(firstMd, /\*\*Time\*\*[^\n]*(\d+ (s|min)|minute)/, `${f}: no "**Time**" line with a measured time`);
    const firstCode = nb.cells.find((c) => c.cell_type === 'code')!.source.join('');
    assert.match(firstCode, /lab\.setup\(\{[^]*mode: '(quick|class|full)'/, `${f}: the first code cell does not choose a mode`);
  }
});

test('the training lessons train the networks and the step written in their cells', () => {
  for (const name of ['05-training', '06b-dcgan-fashion', '07-cgan-fashion', '08-cgan-mnist-dense', '09-acgan-mnist']) {
    const code = text(read(`${name}.ipynb`).cells, 'code');
    const call = code.slice(code.indexOf('lab.runTraining({'));
    assert.match(call.slice(0, 600), /models: \{ generator: \w+, discriminator: \w+, gan: \w+ \}/, `${name}: runTraining does not get the lesson's networks`);
    assert.match(call.slice(0, 600), /step: \(/, `${name}: runTraining does not get the lesson's step`);
    assert.doesNotMatch(code, /lab\.trainStep\((?!.*library)/, `${name}: calls lab.trainStep instead of its own step`);
  }
});

test('no exercise begins with a check that fails', () => {
  for (const f of notebooks) {
    const md = text(read(f).cells, 'markdown');
    const exercises = md.slice(md.lastIndexOf('## Exercises'));
    assert.doesNotMatch(exercises, /check[^.]*(now )?fails|assertion fails/i, `${f}: an exercise still says a check fails`);
  }
});

test('the library reads as a table of contents: a short flat list, then one namespace per concern; every `lab.` name a lesson uses exists there', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the library as the notebooks load it, untyped, to walk its names
  const lab = require('../lib/index') as Record<string, unknown>;
  const namespaces = ['backend', 'config', 'io', 'random', 'pixels', 'data', 'visual', 'models', 'training', 'metrics', 'systems', 'check'];
  const flat = Object.keys(lab).filter((k) => !namespaces.includes(k));
  for (const ns of namespaces) assert.equal(typeof lab[ns], 'object', `lab.${ns} is not a namespace`);
  assert.ok(flat.length <= 30, `${flat.length} flat exports: ${flat.join(', ')}`);
  // Type names live only in the declarations.
  const declared = (name: string) => fs.readdirSync(path.resolve(__dirname, '..', 'lib'), { recursive: true }).some((f) => String(f).endsWith('.d.ts') && new RegExp(`export (interface|type|declare class) ${name}\\b`).test(fs.readFileSync(path.resolve(__dirname, '..', 'lib', String(f)), 'utf8')));
  const unknown: string[] = [];
  for (const f of notebooks) {
    const code = read(f).cells.map((c) => c.source.join('')).join('\n');
    for (const [chain] of code.matchAll(/\blab(\.[A-Za-z_][A-Za-z0-9_]*)+/g)) {
      const parts = chain.split('.').slice(1);
      if (parts[0] === 'tf') continue; // TensorFlow.js itself, re-exported whole
      let value: unknown = lab;
      for (const [i, part] of parts.entries()) {
        const holder = value as Record<string, unknown> | undefined;
        if (holder && typeof holder === 'object' && part in holder) { value = holder[part]; continue; }
        // A method on a library value (e.g. a tensor's), or a type name: stop resolving there.
        if (i > 0 && (typeof holder === 'function' || /^[A-Z]/.test(part) && declared(part))) break;
        if (i > 0 && typeof holder !== 'object') break;
        unknown.push(`${f}: ${chain}`);
        break;
      }
    }
  }
  assert.deepEqual([...new Set(unknown)], [], 'names the lessons use that the library does not export');
});

test('scripts/run-notebooks.js names the lessons when asked for one that is not there', { skip: !fs.existsSync(path.join(dir, '..', '.venv', 'bin', 'python')) && 'no .venv (npm run setup)' }, () => {
  const run = spawnSync(process.execPath, [path.join(dir, '..', 'scripts', 'run-notebooks.js'), '99-no-such-lesson'], { encoding: 'utf8', timeout: 60000 });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /^run-notebooks: no notebook 99-no-such-lesson \(give a path, or one of: 00-what-is-a-gan, .*06b-dcgan-fashion, .*13-evaluation\)\.\n$/);
});
