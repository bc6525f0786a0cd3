import type { Storage } from '@fermx/data';
import { resolveMetric, summarizeCurve, type EpochMetrics, type TrialProgress, type TrialResult, type TrialSpec } from '@fermx/contracts';
import type { BackendChoice } from '../config.js';
import type { Logger } from '@fermx/cli';
import type { EpochDecision, Trainer, TrainingOutcome } from '../training/trainer.js';
import { assertFiniteEpoch, assertFiniteEvaluation, assertFiniteModel, assertFiniteResult } from './finite-checks.js';
import type { CancelCheck, LeaderboardWriter, RungJudge } from './ports.js';
import { findResumePoint } from './resume-point.js';
import { TrialFiles, type LatestCheckpoint, type MetricsLine } from './trial-files.js';

export interface TrialRunnerDeps {
  storage: Storage;
  trainer: Trainer;
  halving: RungJudge;
  cancelFlags: CancelCheck;
  leaderboard: LeaderboardWriter;
  host: string;
  worker: string;
  backend: BackendChoice;
  /** Training replicas per trial (default 1); see WorkerConfig.replicas. */
  replicas?: number;
  cacheDir: string | undefined;
  log: Logger;
}

export interface TrialAttempt {
  /** 1-based attempt number (BullMQ attemptsMade + 1), recorded per epoch. */
  attempt: number;
  /** Aborted when the worker shuts down: the trial is handed back, not finished. */
  signal: AbortSignal;
  reportProgress(progress: TrialProgress): Promise<void>;
}

export type TrialRunOutcome =
  | { kind: 'finished'; result: TrialResult }
  /** Shutdown: the last epoch checkpoint is in storage; another worker resumes from it. */
  | { kind: 'interrupted'; epochsDone: number }
  | { kind: 'cancelled'; epochsDone: number };

/**
 * Runs one trial end to end: resume from the last checkpoint, train, persist every epoch
 * (checkpoint, metrics.jsonl, progress), apply successive halving and cancellation, then write
 * the model and result.json and upsert the leaderboard. Idempotent: a trial whose result is
 * already in storage is only re-indexed, never retrained.
 */
export class TrialRunner {
  constructor(private readonly deps: TrialRunnerDeps) {}

  async run(spec: TrialSpec, attempt: TrialAttempt): Promise<TrialRunOutcome> {
    const { storage, trainer, halving, cancelFlags, leaderboard, log } = this.deps;
    const fields = { sweepId: spec.sweepId, trialId: spec.trialId, attempt: attempt.attempt };
    const files = new TrialFiles(storage, spec);

    const existing = await files.readResult();
    if (existing?.trialId === spec.trialId) {
      log.info({ ...fields }, 'trial already finished; re-indexing its result');
      assertFiniteResult(existing);
      await leaderboard.upsert(existing);
      return { kind: 'finished', result: existing };
    }
    if (await cancelFlags.isCancelled(spec.sweepId, spec.trialId)) return { kind: 'cancelled', epochsDone: 0 };

    await files.writeConfig(spec);
    const pointer = await files.readLatest();
    // The newest checkpoint that passes its checksum: the latest, else the previous epoch, else none.
    const resume = pointer ? await findResumePoint(files, pointer, log.child(fields)) : undefined;
    let latest = resume?.latest;
    const resumeFrom = resume?.checkpoint;
    const history: MetricsLine[] = latest ? [...latest.history] : [];
    if (latest) log.info({ ...fields, epoch: latest.epoch }, 'resuming trial from checkpoint');
    else log.info({ ...fields }, 'starting trial');

    // Halted by successive halving before a crash: finish at that epoch without training on (or
    // train up to it again when its checkpoint was corrupt and an earlier one is resumed).
    const haltedAt = pointer?.haltedBy === 'halving' ? pointer.epoch : undefined;
    // Written by onEpoch while training runs (an object, so TypeScript does not narrow it away).
    const stop: { by?: 'halving' | 'cancelled' } = { by: haltedAt !== undefined && latest?.epoch === haltedAt ? 'halving' : undefined };
    const toTrain = haltedAt !== undefined ? { ...spec, training: { ...spec.training, epochs: haltedAt } } : spec;
    const onEpoch = async (metrics: EpochMetrics, checkpoint: Uint8Array): Promise<EpochDecision> => {
      // A diverged epoch fails the trial before its checkpoint or metrics are stored.
      assertFiniteEpoch(metrics);
      history.push({ ...metrics, worker: this.deps.worker, attempt: attempt.attempt });
      latest = await files.saveEpoch(metrics.epoch, checkpoint, history, latest);
      await attempt.reportProgress(progressOf(metrics, spec.training.epochs));
      log.info({ ...fields, epoch: metrics.epoch, valAccuracy: metrics.valAccuracy, seconds: metrics.seconds }, 'epoch finished');
      if (attempt.signal.aborted) return 'stop';
      if (await cancelFlags.isCancelled(spec.sweepId, spec.trialId)) {
        stop.by = 'cancelled';
        return 'stop';
      }
      if (metrics.epoch === haltedAt) {
        stop.by = 'halving';
        latest = await files.markHalted(latest);
        return 'stop';
      }
      if (haltedAt === undefined && spec.halving?.rungs.includes(metrics.epoch) && metrics.epoch < spec.training.epochs) {
        // The sweep's objective summarised over the epochs so far (NaN when an epoch lacks the metric: continue).
        const objective = resolveMetric(spec.metric);
        const decision = await halving.reportRung(
          spec.sweepId,
          spec.trialId,
          metrics.epoch,
          summarizeCurve(objective, history) ?? Number.NaN,
          spec.halving,
          objective.goal,
        );
        log.info({ ...fields, epoch: metrics.epoch, decision }, 'successive halving rung');
        if (decision === 'stop') {
          stop.by = 'halving';
          if (latest) latest = await files.markHalted(latest);
          return 'stop';
        }
      }
      return 'continue';
    };

    let outcome: TrainingOutcome;
    try {
      outcome = await trainer.train(
        { spec: toTrain, resumeFrom, resumeEpoch: latest?.epoch ?? 0, backend: this.deps.backend, replicas: this.deps.replicas, cacheDir: this.deps.cacheDir },
        { onEpoch },
        attempt.signal,
      );
    } catch (error) {
      if (attempt.signal.aborted) return { kind: 'interrupted', epochsDone: history.length };
      throw error;
    }
    if (outcome.stoppedBy === 'aborted' || (attempt.signal.aborted && stop.by === undefined && outcome.stoppedBy === 'callback')) {
      return { kind: 'interrupted', epochsDone: history.length };
    }
    if (stop.by === 'cancelled') return { kind: 'cancelled', epochsDone: history.length };

    // Never rank a diverged model: its weights and evaluation are checked before anything is written.
    assertFiniteModel(outcome.modelFiles);
    assertFiniteEvaluation(outcome.evaluation);
    if (outcome.best) {
      assertFiniteModel(outcome.best.modelFiles);
      assertFiniteEvaluation(outcome.best.evaluation);
    }
    const modelUri = await files.writeModel(outcome.modelFiles);
    const bestModelUri = outcome.best ? await files.writeModel(outcome.best.modelFiles, 'best') : undefined;
    const result = buildResult(spec, outcome, history, {
      status: stop.by === 'halving' ? 'stopped-early' : 'completed',
      host: this.deps.host,
      worker: this.deps.worker,
      modelUri,
      bestModelUri,
    });
    assertFiniteResult(result);
    await files.writeResult(result);
    await leaderboard.upsert(result);
    log.info({ ...fields, status: result.status, valAccuracy: result.metrics.valAccuracy, epochsRun: result.epochsRun }, 'trial finished');
    return { kind: 'finished', result };
  }
}

export function progressOf(m: EpochMetrics, epochs: number): TrialProgress {
  return {
    epoch: m.epoch,
    epochs,
    loss: m.loss,
    accuracy: m.accuracy,
    valLoss: m.valLoss,
    valAccuracy: m.valAccuracy,
    seconds: m.seconds,
    imagesPerSecond: m.imagesPerSecond,
  };
}

function buildResult(
  spec: TrialSpec,
  outcome: TrainingOutcome,
  history: MetricsLine[],
  meta: { status: TrialResult['status']; host: string; worker: string; modelUri: string; bestModelUri: string | undefined },
): TrialResult {
  const curves: EpochMetrics[] = history.map(({ epoch, loss, accuracy, valLoss, valAccuracy, valMacroF1, learningRate, seconds, imagesPerSecond }) => ({
    epoch,
    loss,
    accuracy,
    valLoss,
    valAccuracy,
    ...(valMacroF1 === undefined ? {} : { valMacroF1 }),
    ...(learningRate === undefined ? {} : { learningRate }),
    seconds,
    imagesPerSecond,
  }));
  const trainingSeconds = curves.reduce((sum, m) => sum + m.seconds, 0);
  const epochsRun = curves.length;
  const { val, test, testSplit } = outcome.evaluation;
  return {
    trialId: spec.trialId,
    sweepId: spec.sweepId,
    sweepName: spec.sweepName,
    ...(spec.variant ? { variant: spec.variant } : {}),
    dataset: spec.dataset,
    model: spec.model,
    training: spec.training,
    status: meta.status,
    metrics: {
      valAccuracy: val.accuracy,
      valLoss: curves.at(-1)?.valLoss ?? Number.NaN,
      ...(test ? { testAccuracy: test.accuracy, ...(testSplit ? { testSplit } : {}) } : {}),
      macroF1: val.macroF1,
      perClassAccuracy: val.perClassAccuracy,
      confusionMatrix: val.confusionMatrix,
      classes: val.classes,
    },
    curves,
    epochsRun,
    timing: {
      trainingSeconds,
      secondsPerEpoch: epochsRun ? trainingSeconds / epochsRun : 0,
      imagesPerSecond: epochsRun ? curves.reduce((sum, m) => sum + m.imagesPerSecond, 0) / epochsRun : 0,
    },
    parameters: outcome.parameters,
    backend: outcome.backend,
    host: meta.host,
    worker: meta.worker,
    finishedAt: new Date().toISOString(),
    modelUri: meta.modelUri,
    ...(outcome.best && meta.bestModelUri ? { best: bestOf(outcome.best, meta.bestModelUri) } : {}),
    rankedBy: outcome.best && resolveMetric(spec.metric).summary === 'best' ? 'best' : 'last',
    ...(outcome.testCount === undefined ? {} : { testCount: outcome.testCount }),
  };
}

function bestOf(best: NonNullable<TrainingOutcome['best']>, modelUri: string): NonNullable<TrialResult['best']> {
  const { val, test } = best.evaluation;
  return {
    epoch: best.epoch,
    valAccuracy: val.accuracy,
    valLoss: best.valLoss,
    ...(test ? { testAccuracy: test.accuracy } : {}),
    macroF1: val.macroF1,
    perClassAccuracy: val.perClassAccuracy,
    confusionMatrix: val.confusionMatrix,
    modelUri,
  };
}

export type { LatestCheckpoint };
