/**
 * The course as nbgrader runs it: `npm run assignments` makes the student editions from the
 * lessons (solutions replaced by TypeScript stubs, graded tests locked in), and
 * `npm run autograde -- FOLDER` grades submitted notebooks with nbgrader autograde on the tslab
 * kernel. Three submissions per the issue: the solution (full marks), the untouched student
 * edition (0 on every graded cell, no crash), and a discriminator without its second Dropout
 * (exactly the test of the discriminator's layers loses its points). All in build/test-course/
 * (GAN_COURSE_DIR), so that an instructor's course/ is never touched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';

const repo = path.resolve(__dirname, '..', '..');
const courseDir = path.join(repo, 'build', 'test-course');
const env = { ...process.env, GAN_COURSE_DIR: courseDir };

interface Cell { cell_type: string; source: string | string[]; metadata: { nbgrader?: { grade?: boolean; solution?: boolean; points?: number; grade_id?: string } } }
const readNotebook = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as { cells: Cell[] };
const sourceOf = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
const assignments = fs.readdirSync(path.join(repo, 'course', 'tests')).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3)).sort();

function run(args: string[]) {
  const result = spawnSync('bash', ['scripts/assignments.sh', ...args], { cwd: repo, env, encoding: 'utf8', timeout: 20 * 60 * 1000 });
  assert.equal(result.status, 0, `assignments.sh ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result;
}

function csvRows(file: string): Array<Record<string, string>> {
  const [header, ...lines] = fs.readFileSync(file, 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [names[i], v])));
}

test('npm run assignments makes student editions without the solutions, with the graded tests locked in', () => {
  fs.rmSync(courseDir, { recursive: true, force: true });
  const out = run(['release']).stdout;
  assert.ok(assignments.includes('02-discriminator'), assignments.join(', '));
  for (const name of assignments) {
    assert.match(out, new RegExp(`${name}: \\d+ graded tests`), out);
    const source = readNotebook(path.join(courseDir, 'source', name, `${name}.ipynb`));
    const release = readNotebook(path.join(courseDir, 'release', name, `${name}.ipynb`));
    const solutions = source.cells.filter((c) => c.metadata.nbgrader?.solution);
    const graded = release.cells.filter((c) => c.metadata.nbgrader?.grade);
    assert.ok(solutions.length >= 1 && graded.length >= 1, `${name}: ${solutions.length} solution cells, ${graded.length} graded cells`);
    const text = release.cells.map(sourceOf).join('\n');
    assert.ok(!text.includes('BEGIN SOLUTION'), `${name}: the student edition still holds a solution`);
    const code = release.cells.filter((c) => c.cell_type === 'code').map(sourceOf).join('\n');
    const regions = solutions.flatMap((c) => sourceOf(c).split('// BEGIN SOLUTION').slice(1));
    assert.equal((code.match(/\/\/ YOUR CODE HERE/g) ?? []).length, regions.length, `${name}: one stub per solution region`);
    // what the solution wrote is gone: each solution region's first line of code is not in the student edition
    for (const region of regions) {
      const firstLine = region.split('\n')[1].trim();
      assert.ok(!text.includes(firstLine), `${name}: the student edition still contains "${firstLine}"`);
    }
  }
});

test('npm run autograde: the solution scores full marks, the untouched edition 0, a wrong discriminator loses exactly its layer test', () => {
  const submissions = path.join(courseDir, 'incoming');
  fs.rmSync(submissions, { recursive: true, force: true });
  const place = (student: string, name: string, nb: { cells: Cell[] }) => {
    fs.mkdirSync(path.join(submissions, student, name), { recursive: true });
    fs.writeFileSync(path.join(submissions, student, name, `${name}.ipynb`), JSON.stringify(nb));
  };
  for (const name of assignments) {
    place('solution', name, readNotebook(path.join(courseDir, 'source', name, `${name}.ipynb`)));
    place('untouched', name, readNotebook(path.join(courseDir, 'release', name, `${name}.ipynb`)));
  }
  // the solution of 02 with its second Dropout layer deleted
  const wrong = readNotebook(path.join(courseDir, 'source', '02-discriminator', '02-discriminator.ipynb'));
  const cell = wrong.cells.find((c) => sourceOf(c).includes('function defineDiscriminator('))!;
  const lines = sourceOf(cell).split('\n');
  const dropouts = lines.flatMap((l, i) => (l.includes('tf.layers.dropout') ? [i] : []));
  assert.equal(dropouts.length, 2);
  cell.source = lines.filter((_, i) => i !== dropouts[1]).join('\n');
  place('wrong-discriminator', '02-discriminator', wrong);

  const out = run(['autograde', submissions]).stdout;
  const cells = csvRows(path.join(courseDir, 'grades-cells.csv'));
  const totals = csvRows(path.join(courseDir, 'grades.csv'));
  assert.ok(fs.readFileSync(path.join(courseDir, 'grades.html'), 'utf8').includes('wrong-discriminator'));
  for (const name of assignments) {
    const of = (student: string) => cells.filter((r) => r.student === student && r.assignment === name);
    assert.ok(of('solution').length >= 1, `${name}: no graded cells for the solution\n${out}`);
    for (const r of of('solution')) assert.equal(Number(r.score), Number(r.max_score), `${name}: the solution lost points on ${r.cell}`);
    for (const r of of('untouched')) assert.equal(Number(r.score), 0, `${name}: the untouched edition scored on ${r.cell}`);
    assert.equal(of('untouched').length, of('solution').length, `${name}: the untouched edition was not graded on every cell`);
    const total = (student: string) => totals.find((r) => r.student === student && r.assignment === name)!;
    assert.equal(Number(total('solution').score), Number(total('solution').max_score));
    assert.equal(Number(total('untouched').score), 0);
    assert.ok(fs.existsSync(path.join(courseDir, 'feedback', 'untouched', name, `${name}.html`)), `${name}: no feedback for the untouched edition`);
  }
  const wrongCells = cells.filter((r) => r.student === 'wrong-discriminator');
  const lost = wrongCells.filter((r) => Number(r.score) < Number(r.max_score)).map((r) => r.cell);
  assert.deepEqual(lost, ['discriminator-layers'], `lost points on ${lost.join(', ')}`);
});
