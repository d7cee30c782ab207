#!/usr/bin/env node
/**
 * npm run playground [-- --run runs/NAME] [--port 8080]
 *
 * Serves the generator playground for a trained run, or without --run the pretrained generators
 * shipped in data/pretrained/ (a menu picks one): open the printed address, move the
 * latent sliders, pick a class (conditional models), watch an interpolation.
 */
import { startPlayground } from './playground-server';
import { FlagsOf, runCli, flags } from './args';

const FLAGS = flags([
  { name: 'run', type: 'string', help: 'run folder written by npm run train (default: a menu of the pretrained generators)' },
  { name: 'port', type: 'int', help: 'port to serve on', min: 0, max: 65535, default: 8080 },
  { name: 'host', type: 'string', help: 'address to listen on (0.0.0.0 to share on a classroom network)', default: '127.0.0.1' },
]);

async function main(args: FlagsOf<typeof FLAGS>): Promise<void> {
  const runDir = args.run === undefined ? undefined : String(args.run);
  const playground = await startPlayground({ runDir, port: args.port, host: args.host });
  console.log(`Playground for ${runDir ?? 'the pretrained generators'}: ${playground.url}  (Ctrl-C to stop)`);
}

runCli('npm run playground --', FLAGS, main);
