#!/usr/bin/env node
/**
 * npm run playground -- --run runs/NAME [--port 8080]
 *
 * Serves the generator playground for a trained run: open the printed address, move the
 * latent sliders, pick a class (conditional models), watch an interpolation.
 */
import { startPlayground } from '../web/playground-server';
import { FlagSpec, ParsedArgs, runCli } from './args';

const FLAGS: FlagSpec[] = [
  { name: 'run', type: 'string', help: 'run folder written by npm run train' },
  { name: 'port', type: 'int', help: 'port to serve on', min: 0, max: 65535, default: 8080 },
  { name: 'host', type: 'string', help: 'address to listen on (0.0.0.0 to share on a classroom network)', default: '127.0.0.1' },
];

async function main(args: ParsedArgs): Promise<void> {
  const playground = await startPlayground({ runDir: String(args.run), port: args.port as number, host: args.host as string });
  console.log(`Playground for ${args.run}: ${playground.url}  (Ctrl-C to stop)`);
}

runCli('npm run playground --', FLAGS, main, { required: ['run'] });
