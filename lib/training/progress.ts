/**
 * Showing a run's progress while it trains: a bar with the step, the losses and the time left
 * in a terminal, or one live display (updated in place) in a notebook.
 */
import * as cliProgress from 'cli-progress';
import { GanCallback } from './loop';
import { StepLosses } from './step';
import { newLiveDisplay, tslabModule } from '../display';

/**
 * A duration for progress lines: `12.3s` under a minute, else `1m05s` / `1h02m`. Rounded to
 * whole seconds before it is split into minutes and seconds, so 119.6 s reads 2m00s, never 1m60s.
 */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s) || s < 0) return '?';
  if (s < 59.95) return `${s.toFixed(1)}s`;
  const whole = Math.round(s);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const sec = whole % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}

/**
 * Seconds left in an epoch at the rate of the steps timed so far. A resumed epoch starts at a
 * later step: `firstStep` is the first step this process trained, so the steps trained before the
 * resume (in another process) do not count as done in no time.
 */
export function epochEta(elapsedSeconds: number, step: number, firstStep: number, total: number): number {
  const timed = step - firstStep + 1;
  return timed > 0 ? (elapsedSeconds / timed) * (total - step) : NaN;
}

/**
 * One epoch's clock for the progress displays: `at(step, total)`, called at every step's end,
 * gives the seconds since the epoch began in this process and the seconds left (epochEta).
 */
function epochClock(): { begin(): void; at(step: number, total: number): { elapsed: number; eta: number } } {
  let started = 0;
  let firstStep = 0;
  return {
    begin() {
      started = Date.now();
      firstStep = 0;
    },
    at(step, total) {
      if (!firstStep) firstStep = step;
      const elapsed = (Date.now() - started) / 1000;
      return { elapsed, eta: epochEta(elapsed, step, firstStep, total) };
    },
  };
}

/**
 * A progress bar in the terminal (cli-progress: losses and ETA). When output goes to a file or
 * a CI log, a line at every tenth of a long epoch instead (step, losses, elapsed, ETA), so a
 * log shows a run is alive without filling up with bar redraws.
 */
export function terminalProgress(stream: NodeJS.WriteStream = process.stdout): GanCallback {
  let bar: cliProgress.SingleBar | undefined;
  let epochNow = 0;
  const clock = epochClock();
  const losses = (l?: StepLosses) => (l ? `d ${l.dLoss.toFixed(3)} g ${l.gLoss.toFixed(3)}` : '');
  return {
    onEpochBegin(epoch, ctx) {
      epochNow = epoch;
      clock.begin();
      if (!stream.isTTY) return;
      bar = new cliProgress.SingleBar({
        stream,
        format: `Epoch ${epoch}/${ctx.epochs} [{bar}] {value}/{total} {losses} ETA {eta_formatted}`,
        barsize: 24,
        hideCursor: true,
        clearOnComplete: true,
        etaBuffer: 20,
      }, cliProgress.Presets.legacy);
      bar.start(ctx.stepsPerEpoch, 0, { losses: '' });
    },
    onStepEnd(step, l, ctx) {
      const { elapsed, eta } = clock.at(step, ctx.stepsPerEpoch);
      if (bar) {
        bar.update(step, { losses: losses(l) });
        return;
      }
      const total = ctx.stepsPerEpoch;
      if (total < 20 || step === total || step % Math.ceil(total / 10) !== 0) return;
      stream.write(`Epoch ${epochNow}/${ctx.epochs} step ${step}/${total} ${losses(l)} (${formatSeconds(elapsed)}, ETA ${formatSeconds(eta)})\n`);
    },
    onEpochEnd(epoch, logs, ctx) {
      bar?.stop();
      bar = undefined;
      stream.write(`Epoch ${epoch}/${ctx.epochs}: d_loss ${logs.dLoss.toFixed(4)} g_loss ${logs.gLoss.toFixed(4)} D(real) ${logs.realP.toFixed(3)} D(fake) ${logs.fakeP.toFixed(3)} (${logs.seconds.toFixed(1)} s, ${(1000 * logs.seconds / logs.steps).toFixed(0)} ms/step)\n`);
    },
    onTrainEnd() {
      // A stop in the middle of an epoch leaves the bar open.
      bar?.stop();
      bar = undefined;
    },
  };
}

/** A display in the notebook that updates in place: progress, losses, ETA and the latest grid. */
export function notebookProgress(): GanCallback & { showImage(png: Buffer, epoch: number): void } {
  const display = newLiveDisplay();
  const clock = epochClock();
  let epochNow = 0;
  let image = '';
  let lastLine = '';
  const render = (html: string) => display?.html(`<div style="font-family:monospace">${html}${image}</div>`);
  return {
    showImage(png, epoch) {
      image = `<div>after epoch ${epoch}:<br/><img src="data:image/png;base64,${png.toString('base64')}"/></div>`;
      render(lastLine);
    },
    onEpochBegin(epoch) {
      clock.begin();
      epochNow = epoch;
    },
    onStepEnd(step, losses, ctx) {
      const { eta } = clock.at(step, ctx.stepsPerEpoch);
      // Redraw at most ~20 times per epoch: each update is a message to the browser.
      if (step % Math.max(1, Math.floor(ctx.stepsPerEpoch / 20)) !== 0 && step !== ctx.stepsPerEpoch) return;
      lastLine = `Epoch ${epochNow}/${ctx.epochs} <progress value="${step}" max="${ctx.stepsPerEpoch}"></progress> ${step}/${ctx.stepsPerEpoch} · d_loss ${losses.dLoss.toFixed(3)} · g_loss ${losses.gLoss.toFixed(3)} · ETA ${formatSeconds(eta)}`;
      render(lastLine);
    },
    onEpochEnd(epoch, logs, ctx) {
      lastLine = `Epoch ${epoch}/${ctx.epochs} done in ${logs.seconds.toFixed(1)} s · d_loss ${logs.dLoss.toFixed(3)} · g_loss ${logs.gLoss.toFixed(3)} · D(real) ${logs.realP.toFixed(2)} · D(fake) ${logs.fakeP.toFixed(2)}`;
      render(lastLine);
    },
  };
}

/** Terminal progress outside a notebook, the live display inside one. */
export function defaultProgress(): GanCallback & { showImage?(png: Buffer, epoch: number): void } {
  return tslabModule() ? notebookProgress() : terminalProgress();
}
