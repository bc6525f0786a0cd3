import { appendFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EpochMetrics } from '@fermx/contracts';
import { decodeCheckpoint, encodeCheckpoint, type CheckpointHeader } from '@fermx/models/checkpoint';
import { TrialInputError } from '../training/errors/trial-input-error.js';
import type { EvaluationReport, Trainer, TrainingHooks, TrainingOutcome, TrainingRequest } from '../training/trainer.js';

export interface SyntheticTrainerOptions {
  /** Wall time one simulated epoch takes. */
  epochMs: number;
  /** When set, one JSON line per trained epoch is appended here ({ trialId, epoch, pid }), so tests see which epochs really ran where. */
  logFile?: string;
}

interface SyntheticCheckpointHeader extends CheckpointHeader {
  kind: 'fermx-synthetic-checkpoint';
  trialId: string;
  epoch: number;
}

/** Size of the simulated model: a few float32 weights that evolve every epoch. */
const WEIGHTS = 4;
const WEIGHTS_NAME = 'synthetic/w';

const IMAGES_PER_EPOCH = 1000;

/**
 * Simulated training: no tensors, a deterministic learning curve derived from the trial's
 * hyperparameters and seed, a real (tiny) checkpoint per epoch in @fermx/models' checkpoint
 * format (checksummed), holding weights that evolve every epoch: a resume from wrong bytes shows
 * in the final weights (`syntheticWeights` says what they must be). It drives the worker's real
 * checkpoint, progress, halving, result and leaderboard path in reliability tests and in the
 * queue benchmark, where a tfjs epoch would make them minutes long.
 */
export class SyntheticTrainer implements Trainer {
  constructor(private readonly options: SyntheticTrainerOptions) {}

  async train(request: TrainingRequest, hooks: TrainingHooks, signal: AbortSignal): Promise<TrainingOutcome> {
    const { spec } = request;
    const resumed = request.resumeFrom ? readCheckpoint(request.resumeFrom, spec.trialId) : undefined;
    const start = resumed?.epoch ?? 0;
    let weights = resumed?.weights ?? new Float32Array(WEIGHTS);
    const history: EpochMetrics[] = [];
    const began = performance.now();
    let stoppedBy: TrainingOutcome['stoppedBy'] = 'completed';
    for (let epoch = start + 1; epoch <= spec.training.epochs; epoch++) {
      const t0 = performance.now();
      try {
        await sleep(this.options.epochMs, undefined, { signal });
      } catch {
        stoppedBy = 'aborted';
        break;
      }
      if (this.options.logFile) appendFileSync(this.options.logFile, `${JSON.stringify({ trialId: spec.trialId, epoch, pid: process.pid })}\n`);
      const seconds = (performance.now() - t0) / 1000;
      const metrics = curvePoint(request, epoch, seconds);
      history.push(metrics);
      weights = nextWeights(weights, spec.training.seed, epoch);
      const header: SyntheticCheckpointHeader = {
        kind: 'fermx-synthetic-checkpoint',
        trialId: spec.trialId,
        epoch,
        tensors: [{ role: 'weight', name: WEIGHTS_NAME, shape: [WEIGHTS] }],
      };
      if ((await hooks.onEpoch(metrics, encodeCheckpoint({ header, payloads: [weights] }))) === 'stop') {
        stoppedBy = 'callback';
        break;
      }
    }
    const last = history.at(-1) ?? curvePoint(request, Math.max(start, 1), 0);
    const classes = Array.from({ length: spec.model.numClasses }, (_, i) => `class-${i}`);
    return {
      stoppedBy,
      history,
      trainingSeconds: (performance.now() - began) / 1000,
      parameters: 1000 * spec.model.numClasses,
      backend: 'synthetic',
      evaluation: { val: syntheticReport(classes, last.valAccuracy) },
      modelFiles: {
        'model.json': new TextEncoder().encode(
          JSON.stringify({
            format: 'fermx-synthetic',
            trialId: spec.trialId,
            weightsManifest: [{ paths: ['weights.bin'], weights: [{ name: WEIGHTS_NAME, shape: [WEIGHTS], dtype: 'float32' }] }],
          }),
        ),
        'weights.bin': new Uint8Array(weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength)),
        'metadata.json': new TextEncoder().encode(JSON.stringify({ model: spec.model, training: spec.training, classes })),
      },
    };
  }
}

function readCheckpoint(bytes: Uint8Array, trialId: string): { epoch: number; weights: Float32Array } {
  const { header, payloads } = decodeCheckpoint<SyntheticCheckpointHeader>(bytes);
  if (header.kind !== 'fermx-synthetic-checkpoint' || header.trialId !== trialId || typeof header.epoch !== 'number' || payloads[0]?.length !== WEIGHTS) {
    throw new TrialInputError(`checkpoint is not a synthetic checkpoint of trial ${trialId}`);
  }
  return { epoch: header.epoch, weights: payloads[0] };
}

/** One epoch's update of the simulated weights (float32, like the checkpoint holds them). */
function nextWeights(weights: Float32Array, seed: number, epoch: number): Float32Array {
  return Float32Array.from(weights, (w, i) => w * 0.5 + Math.sin(seed * 7 + epoch * 3 + i));
}

/** The weights an uninterrupted synthetic run of `epochs` epochs ends with: what any resumed run must reproduce. */
export function syntheticWeights(seed: number, epochs: number): Float32Array {
  let weights: Float32Array = new Float32Array(WEIGHTS);
  for (let epoch = 1; epoch <= epochs; epoch++) weights = nextWeights(weights, seed, epoch);
  return weights;
}

/** A saturating curve whose ceiling depends on the hyperparameters, so trials rank differently. */
function curvePoint(request: TrainingRequest, epoch: number, seconds: number): EpochMetrics {
  const { model, training } = request.spec;
  const ceiling = 0.5 + 0.3 * Math.exp(-Math.abs(Math.log10(training.learningRate) + 3)) + 0.05 * (model.dropout ?? 0) + 0.01 * (training.seed % 5);
  const progress = 1 - Math.exp(-epoch / 3);
  const accuracy = round(ceiling * progress);
  return {
    epoch,
    loss: round(1.4 * (1 - progress) + 0.3),
    accuracy: round(Math.min(0.99, accuracy + 0.03)),
    valLoss: round(1.5 * (1 - progress) + 0.35),
    valAccuracy: accuracy,
    seconds,
    imagesPerSecond: seconds > 0 ? IMAGES_PER_EPOCH / seconds : 0,
  };
}

function syntheticReport(classes: string[], accuracy: number): EvaluationReport {
  const n = classes.length;
  const perClass = 100;
  const correct = Math.round(accuracy * perClass);
  const confusionMatrix = classes.map((_, i) => classes.map((__, j) => (i === j ? correct : j === (i + 1) % n ? perClass - correct : 0)));
  return {
    accuracy: correct / perClass,
    macroF1: correct / perClass,
    perClassAccuracy: classes.map(() => correct / perClass),
    confusionMatrix,
    classes,
  };
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
