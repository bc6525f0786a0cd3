import type { EpochMetrics, TrialSpec } from '@fermx/contracts';
import type { BackendChoice } from '../config.js';

/** What the trial runner asks of a training step, after each epoch. */
export type EpochDecision = 'continue' | 'stop';

export interface TrainingRequest {
  spec: TrialSpec;
  /** Encoded checkpoint of the last finished epoch when a retried trial resumes. */
  resumeFrom?: Uint8Array;
  /** Epochs already done by the checkpoint (0 when starting fresh). */
  resumeEpoch: number;
  backend: BackendChoice;
  /** Data-parallel replicas when the backend is wasm or cpu (default 1). */
  replicas?: number;
  /** Where dataset shards are cached by sha256; undefined = @fermx/data's default. */
  cacheDir: string | undefined;
}

export interface TrainingHooks {
  /** Called once per finished epoch with that epoch's checkpoint; the answer stops or continues. */
  onEpoch(metrics: EpochMetrics, checkpoint: Uint8Array): Promise<EpochDecision>;
}

/** Classification metrics of a model on one split (the shape of @fermx/models' EvaluationReport). */
export interface EvaluationReport {
  accuracy: number;
  macroF1: number;
  perClassAccuracy: number[];
  confusionMatrix: number[][];
  classes: string[];
}

export interface TrainingOutcome {
  stoppedBy: 'completed' | 'early-stopping' | 'callback' | 'aborted';
  /** Epochs run in this session only (earlier epochs came from the checkpoint). */
  history: EpochMetrics[];
  trainingSeconds: number;
  parameters: number;
  backend: string;
  evaluation: { val: EvaluationReport; test?: EvaluationReport; testSplit?: string };
  /** Model files, e.g. model.json, weights.bin, metadata.json. */
  modelFiles: Record<string, Uint8Array>;
  /** The best epoch's model (spec.training.bestEpochBy), when the trainer keeps one. */
  best?: { epoch: number; valLoss: number; evaluation: { val: EvaluationReport; test?: EvaluationReport }; modelFiles: Record<string, Uint8Array> };
  /** Images in the held-out split (test or publictest) behind evaluation.test. */
  testCount?: number;
}

/**
 * The training step behind one interface: the worker trains with tfjs; tests and benches inject
 * the synthetic trainer (apps/gpu-worker/src/testing/) to exercise the same checkpoint/result path fast.
 */
export interface Trainer {
  train(request: TrainingRequest, hooks: TrainingHooks, signal: AbortSignal): Promise<TrainingOutcome>;
}
