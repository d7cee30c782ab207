/**
 * Sample quality during training: every N epochs the generator is scored (FID, KID, classes
 * covered, conditional accuracy) on a few thousand samples, and the values join the epoch's
 * logs, so they land in log.csv, the checkpoint's history and metrics.svg.
 */
import { GanCallback } from '../training/loop';
import { evaluateGenerator, loadReference, Reference } from './evaluate';
import { ClassifierDomain } from './classifier';
import { ModelRange } from '../pixels';

export interface MetricsCallbackOptions {
  domain: ClassifierDomain;
  /** The generator's pixel range. */
  range: ModelRange;
  /** Score every N epochs (default 1). */
  every?: number;
  /** Samples per measurement (default 2,000: FID is biased upwards at small n, so compare runs at the same n). */
  samples?: number;
  /** A reference already loaded (notebooks reuse one). */
  reference?: Reference;
}

export function metricsCallback(options: MetricsCallbackOptions): GanCallback {
  let reference = options.reference;
  const every = options.every ?? 1;
  const samples = options.samples ?? 2000;
  return {
    async onTrainBegin() {
      reference ??= await loadReference(options.domain);
    },
    onEpochEnd(epoch, logs, ctx) {
      if (epoch % every !== 0 && epoch !== ctx.epochs) return;
      const report = evaluateGenerator(ctx.models.generator, options.range, reference!, { samples, kidSubsets: 10, kidSubsetSize: Math.min(1000, samples), seed: 0 });
      logs.fid = report.fid;
      logs.kid = report.kid.mean;
      logs.classesCovered = report.coverage.covered;
      if (report.conditionalAccuracy) logs.conditionalAccuracy = report.conditionalAccuracy.overall;
    },
  };
}
