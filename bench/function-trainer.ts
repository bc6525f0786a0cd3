/**
 * Bench-only trainer: a trial's "training" evaluates a standard test function at the point its
 * hyperparameters encode and reports the value as val_loss every epoch. Injected into startWorker
 * by bench/search.ts; not selectable through FERMX_TRAINER.
 */
import type { EpochMetrics, TrialSpec } from '@fermx/contracts';
import type { Trainer, TrainingHooks, TrainingOutcome, TrainingRequest } from '../apps/gpu-worker/src/training/trainer.js';

export class FunctionTrainer implements Trainer {
  constructor(private readonly value: (spec: TrialSpec) => number) {}

  async train(request: TrainingRequest, hooks: TrainingHooks, signal: AbortSignal): Promise<TrainingOutcome> {
    const { spec } = request;
    const loss = this.value(spec);
    const history: EpochMetrics[] = [];
    let stoppedBy: TrainingOutcome['stoppedBy'] = 'completed';
    for (let epoch = request.resumeEpoch + 1; epoch <= spec.training.epochs; epoch++) {
      if (signal.aborted) {
        stoppedBy = 'aborted';
        break;
      }
      const metrics: EpochMetrics = { epoch, loss, accuracy: 0, valLoss: loss, valAccuracy: 0, seconds: 0.001, imagesPerSecond: 0 };
      history.push(metrics);
      if ((await hooks.onEpoch(metrics, new TextEncoder().encode(JSON.stringify({ epoch })))) === 'stop') {
        stoppedBy = 'callback';
        break;
      }
    }
    const classes = Array.from({ length: spec.model.numClasses }, (_, i) => `class-${i}`);
    return {
      stoppedBy,
      history,
      trainingSeconds: 0.001 * history.length,
      parameters: 0,
      backend: 'function',
      evaluation: {
        val: { accuracy: 0, macroF1: 0, perClassAccuracy: classes.map(() => 0), confusionMatrix: classes.map(() => classes.map(() => 0)), classes },
      },
      modelFiles: { 'model.json': new TextEncoder().encode(JSON.stringify({ format: 'fermx-function', loss })) },
    };
  }
}
