#!/usr/bin/env node
/**
 * npm run playground -- --run runs/NAME [--port 8080]
 *
 * Serves the generator playground for a trained run: open the printed address, move the
 * latent sliders, pick a class (conditional models), watch an interpolation.
 */
import { startPlayground } from '../web/playground-server';
import { FlagSpec, parseArgs, usage } from './args';

const FLAGS: FlagSpec[] = [
  { name: 'run', type: 'string', help: 'run folder written by npm run train' },
  { name: 'port', type: 'int', help: 'port to serve on', min: 0, max: 65535, default: 8080 },
  { name: 'host', type: 'string', help: 'address to listen on (0.0.0.0 to share on a classroom network)', default: '127.0.0.1' },
];

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), FLAGS);
  if (args.help || !args.run) {
    console.log(usage('npm run playground --', FLAGS));
    if (!args.help) process.exitCode = 2;
    return;
  }
  const playground = await startPlayground({ runDir: String(args.run), port: args.port as number, host: args.host as string });
  console.log(`Playground for ${args.run}: ${playground.url}  (Ctrl-C to stop)`);
}

main().catch((err) => {
  console.error(`Error: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
