/**
 * The JupyterLite kernel's cell transform (lite/worker/transform.ts; issue 32, step 1 of
 * docs/plans/jupyterlite-kernel.md): tslab's semantics for one cell at a time, then whole
 * lessons run cell by cell through it in Node, in quick mode, with the Node library as the
 * module registry, before any browser is involved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { createRequire } from 'module';
import { CellRunner, transformCell, ModuleRegistry } from '../lite/worker/transform';
import { notebookCodeCells as codeCells } from './helpers';

const root = path.resolve(__dirname, '..', '..');

function fakeRegistry(modules: Record<string, unknown>, loaded: string[] = []): ModuleRegistry {
  return {
    load(specifier) {
      loaded.push(specifier);
      if (!(specifier in modules)) throw new Error(`No module "${specifier}" in this kernel (it has: ${Object.keys(modules).join(', ')})`);
      return modules[specifier];
    },
  };
}

test('declarations live on in later cells, may be declared again, and a reassignment in the same cell counts', async () => {
  const runner = new CellRunner(fakeRegistry({}));
  const run = (cell: string) => runner.run(cell);
  assert.equal(await run('const first = 1;'), undefined, 'no last expression, no value');
  assert.equal(await run('first + 1'), 2);
  assert.equal(await run('const first = 5; first'), 5, 'declared again, as tslab allows');
  assert.equal(await run('first'), 5);
  assert.equal(await run('let counter = 1; counter = 3;'), 3, 'an assignment is the last expression: its value');
  assert.equal(await run('counter'), 3, 'the later assignment is what later cells see');
  assert.deepEqual(await run('const { a, b: [c, ...rest] } = { a: 1, b: [2, 3, 4] }; [a, c, rest]'), [1, 2, [3, 4]]);
  assert.deepEqual(await run('[a, c, rest.length]'), [1, 2, 2], 'destructured names too');
});

test('functions (hoisted), classes, enums and namespaces persist; types are erased', async () => {
  const runner = new CellRunner(fakeRegistry({}));
  assert.equal(await runner.run('const early = twice(2);\nfunction twice(n: number): number { return 2 * n; }\nearly'), 4);
  await runner.run('class Counter { count = 0; add(): number { return ++this.count; } }');
  assert.equal(await runner.run('const k = new Counter(); k.add(); k.add()'), 2);
  await runner.run('enum Mode { Quick = "quick", Class = "class" }\nnamespace Sizes { export const steps = 3; }');
  assert.deepEqual(await runner.run('[Mode.Class, Sizes.steps]'), ['class', 3]);
  assert.equal(await runner.run('interface Shape { n: number }\ntype Id = string;\nconst s: Shape = { n: 7 };\nconst id: Id = "x";\ns.n'), 7);
  assert.equal(await runner.run('export const exported = 9;\nexported'), 9, 'export is dropped, the declaration kept');
});

test('every import form, require and import() go to the registry (never the network); type-only imports load nothing', async () => {
  const loaded: string[] = [];
  const esm = { __esModule: true, default: 'the default', named: 'a named export', other: 2 };
  const cjs = { helper: () => 'from CommonJS' };
  const runner = new CellRunner(fakeRegistry({ esm, cjs, side: {} }, loaded));
  await runner.run("import * as ns from 'esm';\nimport dflt from 'esm';\nimport { named, other as renamed } from 'esm';\nimport type { Nothing } from 'nowhere';\nimport 'side';");
  assert.deepEqual(await runner.run('[ns.named, dflt, named, renamed]'), ['a named export', 'the default', 'a named export', 2]);
  assert.deepEqual(loaded, ['esm', 'esm', 'esm', 'side'], 'nowhere was not loaded');
  await runner.run("import helperModule from 'cjs';\nimport * as cjsNs from 'cjs';");
  assert.equal(await runner.run('helperModule.helper() + "/" + cjsNs.helper() + "/" + (cjsNs.default === helperModule)'), 'from CommonJS/from CommonJS/true', 'a CommonJS module is its own default');
  assert.equal(await runner.run("const viaRequire = require('cjs').helper();\nconst viaImport = (await import('esm')).named;\n[viaRequire, viaImport].join(', ')"), 'from CommonJS, a named export');
  await assert.rejects(runner.run("import * as nope from 'https://cdn.example/x.js';"), /No module "https:\/\/cdn.example\/x.js" in this kernel/);
});

test('top-level await; an error keeps what ran before it (as tslab) and names the cell', async () => {
  const runner = new CellRunner(fakeRegistry({}));
  assert.equal(await runner.run('const later = await new Promise<number>((resolve) => setTimeout(() => resolve(42), 5));\nlater'), 42);
  await assert.rejects(runner.run('const kept = 1;\nthrow new Error("boom");\nconst lost = 2;'), (err: Error) => /boom/.test(err.message) && /cell-2\.ts/.test(err.stack ?? ''));
  assert.equal(await runner.run('kept'), 1, 'declared before the error: kept');
  await assert.rejects(runner.run('lost'), /lost is not defined/);
  assert.throws(() => transformCell('const ok = 1;\nconst broken = ;', 'cell-9.ts'), /^SyntaxError: cell-9\.ts:2:\d+: Expression expected/);
});

/** Whole lessons, cell by cell, through the transform, with the Node library as the registry. */
function nodeRegistry(): ModuleRegistry {
  const requireHere = createRequire(path.join(root, 'package.json'));
  const library = path.join(root, 'build', 'lib', 'index.js');
  return { load: (specifier) => requireHere(specifier === 'gan-lab' ? library : specifier) };
}


// Two lessons here (the browser bundle's test runs 00, 02, 05 and 10); GAN_LITE_LESSONS=all runs all 15 (about 2 minutes).
const chosen = process.env.GAN_LITE_LESSONS ?? '00-what-is-a-gan,02-discriminator';
const LESSONS = chosen === 'all'
  ? fs.readdirSync(path.join(root, 'notebooks')).filter((f) => f.endsWith('.ipynb')).sort()
  : chosen.split(',').map((n) => `${n}.ipynb`);
for (const notebook of LESSONS) {
  test(`${notebook} runs cell by cell through the transform in quick mode (the Node library as registry)`, { timeout: 5 * 60000 }, async () => {
    const work = path.join(root, 'build', 'lite-transform', 'notebooks');
    fs.rmSync(path.dirname(work), { recursive: true, force: true });
    fs.mkdirSync(work, { recursive: true });
    const cwd = process.cwd();
    process.env.GAN_QUICK = '1';
    process.env.GAN_CIFAR ??= 'synthetic';   // as scripts/run-notebooks.js: no network for CIFAR-10 in quick mode
    process.chdir(work);
    const runner = new CellRunner(nodeRegistry());
    try {
      const cells = codeCells(notebook);
      for (const [i, cell] of cells.entries()) {
        await runner.run(cell).catch((err: Error) => { throw new Error(`${notebook}, code cell ${i + 1} of ${cells.length}: ${err.stack}`); });
      }
    } finally {
      process.chdir(cwd);
      delete process.env.GAN_QUICK;
    }
  });
}
