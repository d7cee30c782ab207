#!/usr/bin/env node
/**
 * Long runs that outlive a machine: park a run's checkpoint in the repository while it trains,
 * and restore it on another machine to continue.
 *
 *   npm run park -- --run runs/pretrained-dcgan-mnist --to data/in-progress/dcgan-mnist
 *   npm run park -- --run runs/pretrained-dcgan-mnist --to data/in-progress/dcgan-mnist --restore
 *
 * Parking takes one consistent snapshot (checkpoint/ and log.csv) and writes it atomically;
 * restoring copies it back only when the run folder has no checkpoint or an older one. The
 * trainer then resumes from it (at the same step, bit for bit: see the mid-epoch test).
 */
import { FlagsOf, runCli, flags } from './args';
import { checkpointProgress, parkRun, unparkRun } from '../training/checkpoint';

const FLAGS = flags([
  { name: 'run', type: 'string', help: 'the run folder (holds checkpoint/)' },
  { name: 'to', type: 'string', help: 'where the parked copy lives, e.g. data/in-progress/<model>' },
  { name: 'restore', type: 'boolean', help: 'copy the parked run back into --run (when it is further than what --run holds)' },
]);

const where = (p: [number, number]) => (p[1] ? `step ${p[1]} of epoch ${p[0] + 1}` : `the end of epoch ${p[0]}`);

async function main(args: FlagsOf<typeof FLAGS>): Promise<void> {
  const run = String(args.run);
  const parked = String(args.to);
  if (args.restore) {
    const state = unparkRun(parked, run);
    console.log(state ? `Restored ${run} from ${parked}: ${state.model} at ${where(checkpointProgress(state))}.` : `${run} is already as far as ${parked}: nothing restored.`);
    return;
  }
  const state = await parkRun(run, parked);
  console.log(`Parked ${run} in ${parked}: ${state.model} at ${where(checkpointProgress(state))} (commit it to keep it across machines).`);
}

runCli('npm run park --', FLAGS, main, { required: ['run', 'to'] });
