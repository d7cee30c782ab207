/**
 * The library's layers only import downwards, and no file imports itself through others.
 * Walks the compiled library (build/lib), reading each file's relative `require(...)`s, so what
 * is checked is what runs. The floors, bottom to top:
 *
 *   0  foundation: config, io, random, pixels, display (tslab output), engine/ (backends, kernels,
 *      the tape, tfjs internals), data/, visual/
 *   1  models/     architectures, GanModels, the generator's forward pass, the per-kind strategy
 *   2  training/   steps, loop, callbacks, checkpoints
 *   3  metrics/    sample quality (may use training's callback interface, never the reverse)
 *   4  systems/    the registry and runTraining: data, models, training and metrics assembled
 *   5  cli/, web/, lessons/ (setup, display helpers, checks), index (what the notebooks import)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';

const LIB = path.resolve(__dirname, '..', 'lib');

const FLOORS: Array<[RegExp, number, string]> = [
  [/^(config|io|random|pixels|display)\.js$|^(engine|data|visual|types)\//, 0, 'foundation'],
  [/^models\//, 1, 'models'],
  [/^training\//, 2, 'training'],
  [/^metrics\//, 3, 'metrics'],
  [/^systems\//, 4, 'systems'],
  [/^(cli|web|lessons)\/|^index\.js$/, 5, 'tools'],
];

export function floorOf(file: string): { floor: number; name: string } {
  for (const [pattern, floor, name] of FLOORS) if (pattern.test(file)) return { floor, name };
  throw new Error(`${file} is on no floor: add it to FLOORS in test/layers.test.ts`);
}

function listJs(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return listJs(full, base);
    return e.name.endsWith('.js') ? [path.relative(base, full).split(path.sep).join('/')] : [];
  });
}

/** file -> the library files it requires (relative requires only; packages are not floors). */
export function importGraph(libDir: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of listJs(libDir)) {
    const source = fs.readFileSync(path.join(libDir, file), 'utf8');
    const deps = [...source.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)].map((m) => {
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), m[1]));
      return fs.existsSync(path.join(libDir, `${target}.js`)) ? `${target}.js` : `${target}/index.js`;
    });
    graph.set(file, [...new Set(deps)]);
  }
  return graph;
}

/** Every import from a lower floor to a higher one, as "from (floor) -> to (floor)". */
export function upwardImports(graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [file, deps] of graph) {
    const from = floorOf(file);
    for (const dep of deps) {
      const to = floorOf(dep);
      if (to.floor > from.floor) out.push(`${file} (${from.name}) -> ${dep} (${to.name})`);
    }
  }
  return out;
}

/** The import cycles (each as a path that returns to its start), by depth-first search. */
export function importCycles(graph: Map<string, string[]>): string[][] {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const dep of graph.get(file) ?? []) {
      if (state.get(dep) === 'open') cycles.push([...stack.slice(stack.indexOf(dep)), dep]);
      else if (!state.has(dep)) visit(dep);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

test('the library imports only downwards, without cycles', () => {
  const graph = importGraph(LIB);
  assert.ok(graph.size > 50, `read ${graph.size} files from ${LIB}`);
  assert.ok(graph.get('systems/run.js')!.includes('training/loop.js'), 'the walker reads requires');
  assert.deepEqual(upwardImports(graph), []);
  assert.deepEqual(importCycles(graph).map((c) => c.join(' -> ')), []);
});

test('the checks find an upward import and a cycle when there is one', () => {
  const graph = new Map<string, string[]>([
    ['models/a.js', ['training/b.js']],
    ['training/b.js', ['models/a.js']],
    ['data/c.js', []],
  ]);
  assert.deepEqual(upwardImports(graph), ['models/a.js (models) -> training/b.js (training)']);
  assert.deepEqual(importCycles(graph), [['models/a.js', 'training/b.js', 'models/a.js']]);
  assert.throws(() => floorOf('elsewhere/x.js'), /on no floor/);
});

test('only the registry names systems: no other library file compares a system name', () => {
  const names = ['dcgan-mnist', 'dcgan-fashion', 'dcgan-cifar10', 'dcgan-64', 'cgan-fashion', 'cgan-mnist', 'acgan-mnist'];
  const offenders: string[] = [];
  for (const file of listJs(LIB)) {
    if (file === 'systems/registry.js' || file.startsWith('cli/') || file.startsWith('web/')) continue;
    const source = fs.readFileSync(path.join(LIB, file), 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '');
    for (const name of names) if (source.includes(`'${name}'`) || source.includes(`"${name}"`)) offenders.push(`${file}: ${name}`);
  }
  assert.deepEqual(offenders, []);
});

/** The library files the browser page (web/src, bundled by esbuild) pulls in, transitively. */
export function browserBundled(libDir: string, pageDir: string): string[] {
  const graph = importGraph(libDir);
  const start = fs.readdirSync(pageDir).filter((f) => f.endsWith('.ts')).flatMap((f) => {
    const source = fs.readFileSync(path.join(pageDir, f), 'utf8');
    return [...source.matchAll(/from '\.\.\/\.\.\/lib\/([^']+)'/g)].map((m) => (fs.existsSync(path.join(libDir, `${m[1]}.js`)) ? `${m[1]}.js` : `${m[1]}/index.js`));
  });
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const dep of graph.get(file) ?? []) visit(dep);
  };
  start.forEach(visit);
  return [...seen].sort();
}

test("what the browser page bundles from the library uses no Node-only module (fs, child_process)", () => {
  const bundled = browserBundled(LIB, path.resolve(__dirname, '..', '..', 'web', 'src'));
  assert.ok(bundled.includes('pixels.js'), `the page imports lib/pixels: ${bundled.join(', ')}`);
  const nodeOnly = bundled.filter((file) => /require\("(fs|child_process|node:fs|node:child_process)"\)/.test(fs.readFileSync(path.join(LIB, file), 'utf8')));
  assert.deepEqual(nodeOnly, []);
  // The check sees a Node-only import when there is one.
  assert.ok(/require\("fs"\)/.test(fs.readFileSync(path.join(LIB, 'io.js'), 'utf8')));
});
