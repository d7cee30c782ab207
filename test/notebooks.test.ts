/**
 * The lessons as stored: without outputs (CI executes them; the gallery shows them run), on the
 * TypeScript kernel, each ending with a summary and exercises, and each one that writes out a
 * network or a step checking it against the library (an assert beside a maxAbsDifference or a
 * parameter count).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

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

test('the lessons that write the tutorial\'s code check it against the library', () => {
  const writesCode = ['02-discriminator', '03-generator', '04-gan', '05-training', '06b-dcgan-fashion', '07-cgan-fashion', '08-cgan-mnist-dense', '09-acgan-mnist', '10-latent-space', '12-dcgan-64'];
  for (const name of writesCode) {
    const code = text(read(`${name}.ipynb`).cells, 'code');
    assert.match(code, /function define|function trainStep|function slerp|function piecewise/, `${name}: writes no tutorial function`);
    assert.match(code, /lab\.maxAbsDifference\(/, `${name}: no comparison with the library`);
    assert.match(code, /assert\.ok\([^;\n]*(Gap|gap|maxAbsDifference|same\()/, `${name}: a comparison that asserts nothing`);
  }
});
