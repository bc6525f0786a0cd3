import { assertDatasetWithinRoots, datasetRootsFrom, isModelLocation } from '@fermx/data';
import type { Trainer, TrainingHooks, TrainingOutcome, TrainingRequest } from './trainer.js';

/**
 * A trainer that reads a trial's dataset (and its `initFrom` and `teachers` models) only when it lies under the worker's dataset roots
 * (its FERMX_STORAGE plus FERMX_DATASET_ROOTS, docs/ORCHESTRATOR.md "Security"). The orchestrator
 * checks at submit; this is the worker's own check, so a job put on the queue by other means
 * cannot make a worker read an arbitrary path. A refused dataset fails the trial as bad input
 * (DatasetOutsideRootsError names the URI and the roots).
 */
export class ConfinedTrainer implements Trainer {
  constructor(
    private readonly inner: Trainer,
    readonly roots: readonly string[],
  ) {}

  /** Roots from the worker's environment (the trainer child inherits the worker's env). */
  static fromEnv(inner: Trainer, env: NodeJS.ProcessEnv = process.env): ConfinedTrainer {
    return new ConfinedTrainer(inner, datasetRootsFrom(env));
  }

  async train(request: TrainingRequest, hooks: TrainingHooks, signal: AbortSignal): Promise<TrainingOutcome> {
    assertDatasetWithinRoots(request.spec.dataset.uri, this.roots);
    const initFrom = request.spec.training.initFrom;
    // Registry names and trial ids resolve inside FERMX_STORAGE; a location is checked like a dataset.
    if (initFrom !== undefined && isModelLocation(initFrom)) assertDatasetWithinRoots(initFrom, this.roots, 'initFrom model');
    for (const teacher of request.spec.training.teachers ?? []) if (isModelLocation(teacher)) assertDatasetWithinRoots(teacher, this.roots, 'teachers model');
    return this.inner.train(request, hooks, signal);
  }
}
