/**
 * The answer key's code, run: every `answer-check` comment in exercises/answers.md names a lesson,
 * the change the answer tells a student to make (text replaced in the lesson's code cells, or
 * cells appended), and what the answer says the student will then see. This test makes that
 * change in a copy of the lesson, runs the copy on the tslab kernel in quick mode with friendly
 * checks (GAN_CHECKS=friendly: a changed network prints its note and the lesson goes on, as in
 * class), and asserts that the output says what the answer says. So an answer cannot drift from
 * its lesson: a lesson edit that moves the replaced text fails the replacement, and a changed
 * library or check message fails the expected output. Each check also asserts that the code it
 * runs is the code the answer shows (`shown`), so the comment and the visible answer agree.
 *
 * Format (a JSON object inside `<!-- answer-check ... -->`, invisible when the key is rendered):
 *   lesson   notebooks/<lesson>.ipynb
 *   replace  [[find, replacement], ...]: every occurrence in the code cells; find must occur
 *   until    keep the cells up to the first code cell containing this text (faster; optional)
 *   append   code cells added after that (the answer's own snippet, or a line that prints a claim)
 *   shown    texts that the answer's visible prose contains (whitespace-normalised)
 *   expect   texts the run's output contains
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawnSync } from 'child_process';

const repo = path.resolve(__dirname, '..', '..');
const answersFile = path.join(repo, 'exercises', 'answers.md');
const workDir = path.join(repo, 'build', 'answer-checks');

export interface AnswerCheck {
  lesson: string;
  replace?: Array<[string, string]>;
  until?: string;
  append?: string[];
  shown?: string[];
  expect: string[];
}

interface Cell { cell_type: string; source: string | string[]; outputs?: Array<Record<string, unknown>>; metadata?: unknown; execution_count?: number | null }
interface Notebook { cells: Cell[]; [key: string]: unknown }

const sourceOf = (cell: Cell) => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);
const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

/** Every answer-check comment of the key, with the visible answer text that comes before it. */
export function parseAnswerChecks(markdown: string): Array<{ check: AnswerCheck; answer: string; line: number }> {
  const found: Array<{ check: AnswerCheck; answer: string; line: number }> = [];
  const pattern = /<!--\s*answer-check\s*([\s\S]*?)-->/g;
  let previousEnd = 0;
  for (let m = pattern.exec(markdown); m; m = pattern.exec(markdown)) {
    const line = markdown.slice(0, m.index).split('\n').length;
    let check: AnswerCheck;
    try {
      check = JSON.parse(m[1]) as AnswerCheck;
    } catch (err) {
      throw new Error(`exercises/answers.md line ${line}: the answer-check is not valid JSON: ${(err as Error).message}`);
    }
    // The answer it belongs to: from the section heading (or the previous check) to here.
    const before = markdown.slice(previousEnd, m.index);
    const heading = before.lastIndexOf('\n## ');
    found.push({ check, answer: heading >= 0 ? before.slice(heading) : before, line });
    previousEnd = m.index + m[0].length;
  }
  return found;
}

/** The lesson with the answer's change made: replacements, truncation, appended cells. */
export function applyAnswer(notebook: Notebook, check: AnswerCheck): Notebook {
  const cells: Cell[] = notebook.cells.map((c) => ({ ...c, source: sourceOf(c) }));
  for (const [find, replacement] of check.replace ?? []) {
    let hits = 0;
    for (const cell of cells) {
      if (cell.cell_type !== 'code') continue;
      const text = cell.source as string;
      const parts = text.split(find);
      hits += parts.length - 1;
      cell.source = parts.join(replacement);
    }
    if (hits === 0) throw new Error(`${check.lesson}: the answer replaces text the lesson does not have: ${JSON.stringify(find)}`);
  }
  let kept = cells;
  if (check.until) {
    const last = cells.findIndex((c) => c.cell_type === 'code' && (c.source as string).includes(check.until!));
    if (last < 0) throw new Error(`${check.lesson}: no code cell contains ${JSON.stringify(check.until)}`);
    kept = cells.slice(0, last + 1);
  }
  const appended: Cell[] = (check.append ?? []).map((source) => ({ cell_type: 'code', source, outputs: [], metadata: {}, execution_count: null }));
  return { ...notebook, cells: [...kept, ...appended] };
}

/** Everything a run printed or displayed as text. */
function outputText(notebook: Notebook): string {
  const parts: string[] = [];
  for (const cell of notebook.cells) {
    for (const out of cell.outputs ?? []) {
      if (typeof out.text === 'string') parts.push(out.text);
      else if (Array.isArray(out.text)) parts.push(out.text.join(''));
      const data = out.data as Record<string, string | string[]> | undefined;
      for (const kind of ['text/plain', 'text/html']) {
        const value = data?.[kind];
        if (value) parts.push(Array.isArray(value) ? value.join('') : value);
      }
    }
  }
  return parts.join('\n');
}

const markdown = fs.readFileSync(answersFile, 'utf8');
const checks = parseAnswerChecks(markdown);

test('the answer key carries runnable checks for the lessons whose answers are code', () => {
  const lessons = new Set(checks.map((c) => c.check.lesson));
  for (const lesson of ['01-data', '02-discriminator', '03-generator', '04-gan']) assert.ok(lessons.has(lesson), `no answer-check for ${lesson}`);
  assert.ok(checks.length >= 10, `${checks.length} answer-checks`);
});

test('an answer whose replaced text left the lesson fails, and one whose claim is wrong is caught', () => {
  const lesson = JSON.parse(fs.readFileSync(path.join(repo, 'notebooks', '03-generator.ipynb'), 'utf8')) as Notebook;
  assert.throws(() => applyAnswer(lesson, { lesson: '03-generator', replace: [['kernelSize: 5', 'kernelSize: 3']], expect: [] }), /does not have/);
  const changed = applyAnswer(lesson, { lesson: '03-generator', replace: [['kernelSize: 4, strides: 2', 'kernelSize: 3, strides: 2']], until: 'lab.check.model', expect: [] });
  const code = changed.cells.filter((c) => c.cell_type === 'code').map(sourceOf).join('\n');
  assert.equal(code.split('kernelSize: 3, strides: 2').length - 1, 2, 'both transposed convolutions changed');
  assert.ok(!code.includes('generateLatentPoints(latentDim, 25)'), 'cells after `until` dropped');
});

for (const { check, answer, line } of checks) {
  test(`answers.md line ${line}: ${check.lesson}: ${check.expect.join(' | ')}`, () => {
    for (const text of check.shown ?? []) {
      assert.ok(normalise(answer).includes(normalise(text)), `the answer before line ${line} does not show ${JSON.stringify(text)}`);
    }
    const lesson = JSON.parse(fs.readFileSync(path.join(repo, 'notebooks', `${check.lesson}.ipynb`), 'utf8')) as Notebook;
    const changed = applyAnswer(lesson, check);
    const dir = path.join(workDir, 'notebooks');
    fs.mkdirSync(dir, { recursive: true });
    const input = path.join(dir, `${check.lesson}-line${line}.ipynb`);
    const output = path.join(dir, `${check.lesson}-line${line}.out.ipynb`);
    fs.writeFileSync(input, JSON.stringify(changed, null, 1));
    const result = spawnSync('bash', ['-c', 'source scripts/jupyter-env.sh && exec .venv/bin/python scripts/execute_notebook.py "$0" "$1" --timeout 600', input, output], {
      cwd: repo,
      env: { ...process.env, GAN_QUICK: '1', GAN_CHECKS: 'friendly', GAN_CIFAR: 'synthetic' },
      encoding: 'utf8',
      timeout: 15 * 60 * 1000,
    });
    assert.equal(result.status, 0, `the changed lesson failed:\n${(result.stderr || '').slice(-3000)}`);
    const printed = outputText(JSON.parse(fs.readFileSync(output, 'utf8')) as Notebook);
    for (const text of check.expect) {
      assert.ok(printed.includes(text), `the answer says the output shows ${JSON.stringify(text)}; it printed:\n${printed.slice(-3000)}`);
    }
  });
}
