import { PAPER_AUGMENTATION } from '../model-config.js';
import { runKeys, type TrialResult, type TrialSpec } from '../trial.js';
import { trialIdOf } from '../trial-id.js';

/**
 * A valid TrialSpec / TrialResult with plausible numbers, for tests and docs across projects
 * (worker, web page, leaderboard). Overrides replace top-level fields.
 */
export function exampleTrialSpec(overrides: Partial<TrialSpec> = {}): TrialSpec {
  const model = overrides.model ?? { architecture: 'mxception' as const, numClasses: 4, dropout: 0.5, middleFlowRepeats: 3 };
  const training = overrides.training ?? { epochs: 100, batchSize: 64, learningRate: 0.001, seed: 0, augmentation: PAPER_AUGMENTATION };
  const dataset = overrides.dataset ?? { uri: 'file:///tmp/fermx/datasets/ferm/v1', version: '0123456789abcdef' };
  return {
    trialId: trialIdOf({ model, training, datasetVersion: dataset.version }),
    sweepId: 'example-0badc0de',
    sweepName: 'example',
    dataset,
    model,
    training,
    metric: 'val_accuracy',
    createdAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function exampleTrialResult(overrides: Partial<TrialResult> & { valAccuracy?: number } = {}): TrialResult {
  const { valAccuracy = 0.8895, ...rest } = overrides;
  const spec = exampleTrialSpec(pick(rest, ['trialId', 'sweepId', 'sweepName', 'dataset', 'model', 'training']));
  const classes = ['neutral', 'sad', 'surprise', 'angry'];
  return {
    trialId: spec.trialId,
    sweepId: spec.sweepId,
    sweepName: spec.sweepName,
    dataset: spec.dataset,
    model: spec.model,
    training: spec.training,
    status: 'completed',
    metrics: {
      valAccuracy,
      valLoss: 0.35,
      testAccuracy: valAccuracy - 0.01,
      macroF1: valAccuracy - 0.02,
      perClassAccuracy: [0.9, 0.85, 0.95, 0.83],
      confusionMatrix: [
        [100, 5, 3, 4],
        [6, 90, 2, 8],
        [1, 2, 104, 1],
        [7, 6, 2, 60],
      ],
      classes,
    },
    curves: [{ epoch: 1, loss: 1.2, accuracy: 0.5, valLoss: 1.1, valAccuracy: 0.55, seconds: 2.4, imagesPerSecond: 1400 }],
    epochsRun: 1,
    timing: { trainingSeconds: 2.4, secondsPerEpoch: 2.4, imagesPerSecond: 1400 },
    parameters: 80_000,
    backend: 'wasm',
    host: 'gpu-node-1',
    worker: 'gpu-node-1:0',
    finishedAt: '2026-01-01T01:00:00.000Z',
    modelUri: `file:///tmp/fermx/${runKeys.model(spec.sweepId, spec.trialId)}`,
    ...rest,
  };
}

function pick<T extends object, K extends keyof T>(value: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const key of keys) if (value[key] !== undefined) out[key] = value[key];
  return out;
}
