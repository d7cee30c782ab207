/**
 * Serves the generator playground (web/) and a trained run's generator to a browser. The
 * page does all the computing with TensorFlow.js; this only serves files, on loopback by
 * default.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { AddressInfo } from 'net';
import { getSystem } from '../systems/registry';
import { checkpointDir, readRunState } from '../training/checkpoint';
import { listPretrained, pretrainedDir, readPretrainedInfo } from '../models/pretrained';
import { projectRoot } from '../config';

export const WEB_ROOT = path.join(projectRoot(), 'web');

export interface PlaygroundOptions {
  /**
   * Run folder written by `npm run train` (its generator/ or checkpoint/generator/ is served).
   * Without one, the shipped pretrained generators (data/pretrained/) are offered in a menu.
   */
  runDir?: string;
  /** Port (default 8080; 0 = any free port). */
  port?: number;
  host?: string;
}

export interface Playground {
  url: string;
  close(): Promise<void>;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.json': 'application/json', '.bin': 'application/octet-stream' };

/** The generator folder of a run and what the page needs to know about it. */
export function playgroundModel(runDir: string): { dir: string; info: object } {
  const state = readRunState(runDir);
  const dir = [path.join(runDir, 'generator'), path.join(checkpointDir(runDir), 'generator')].find((d) => fs.existsSync(path.join(d, 'model.json')));
  if (!dir) throw new Error(`${runDir} has no saved generator (generator/model.json). Let the training finish an epoch, or resume it.`);
  const system = getSystem(state.model);
  return {
    dir,
    info: {
      model: system.name,
      description: system.description,
      range: system.range,
      reverse: system.reverse,
      classNames: system.classNames,
      epoch: state.epoch,
    },
  };
}

/** A shipped pretrained generator, as the page needs it. */
export function pretrainedPlaygroundModel(name: string): { dir: string; info: object } {
  const info = readPretrainedInfo(name);
  const system = getSystem(name);
  return {
    dir: pretrainedDir(name),
    info: { model: system.name, description: system.description, range: system.range, reverse: system.reverse, classNames: system.classNames, epoch: info.epochs, pretrained: true },
  };
}

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const bundle = path.join(WEB_ROOT, 'dist', 'playground.js');
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: build the page with npm run build:web (npm run setup does it).`);
  let models: Array<{ id: string; label: string; dir: string; info: object }>;
  if (options.runDir) {
    const run = playgroundModel(options.runDir);
    models = [{ id: 'run', label: `${(run.info as { model: string }).model} (${options.runDir})`, ...run }];
  } else {
    const names = listPretrained();
    if (!names.length) throw new Error('No pretrained generators are shipped (data/pretrained/ is empty): pass a run folder with --run.');
    models = names.map((name) => ({ id: name, label: `${name} (pretrained, ${readPretrainedInfo(name).epochs} epochs)`, ...pretrainedPlaygroundModel(name) }));
  }
  const model = models[0];
  const files: Record<string, string> = { '/': path.join(WEB_ROOT, 'index.html'), '/index.html': path.join(WEB_ROOT, 'index.html'), '/dist/playground.js': bundle };
  const server = http.createServer((req, res) => {
    let url: string;
    try {
      url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    } catch {
      res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
      return;
    }
    if (url === '/models.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'] }).end(JSON.stringify(models.map((m) => ({ id: m.id, label: m.label }))));
      return;
    }
    // /model/<id>/<file>, and /model/<file> for the first model.
    const parts = url.split('/');
    const chosen = parts.length === 4 && parts[1] === 'model' ? models.find((m) => m.id === parts[2]) : parts.length === 3 && parts[1] === 'model' ? model : undefined;
    const name = parts[parts.length - 1];
    if (chosen && name === 'info.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'] }).end(JSON.stringify(chosen.info));
      return;
    }
    let file = files[url];
    // Only a generator's own files (model.json, weights), never a path outside its folder.
    if (!file && chosen && name && name !== '..' && !name.includes('\\')) file = path.join(chosen.dir, name);
    if (!file || !fs.existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`Not found: ${url}`);
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    fs.createReadStream(file).pipe(res);
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new Error(`Port ${options.port} is in use: pass another with --port.`) : err));
    server.listen(options.port ?? 8080, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
