import { basename } from 'node:path';
import { CancelFlags, LeaderboardIndex, SuccessiveHalving, SweepPauses, WorkerRegistry, resolveKeySpace, workerConnection } from '@fermx/queue';
import { openStorage } from '@fermx/data';
import type { Logger } from '@fermx/cli';
import type { WorkerConfig } from '../config.js';
import { ChildProcessTrainer } from '../training/child-process-trainer.js';
import type { Trainer } from '../training/trainer.js';
import { TrialRunner } from '../trial/trial-runner.js';
import { TrialWorker } from './trial-worker.js';
import { probeStorage } from './storage-probe.js';
import { Heartbeat } from './worker-presence.js';

export interface RunningWorker {
  readonly id: string;
  /** Stops taking trials, hands the running one back, leaves the registry, closes connections. Idempotent. */
  stop(): Promise<void>;
}

/**
 * What tests and benches may swap in: a `trainer` object (in-process), or the `trainerEntry`
 * script of the trainer child (the synthetic trainer's, apps/gpu-worker/src/testing/). A
 * production worker (`fermx worker`) passes neither and trains with tfjs in a child process.
 */
export interface WorkerOverrides {
  trainer?: Trainer;
  trainerEntry?: string;
}

/** Wires config → adapters (storage, Redis, trainer child) → the BullMQ worker and its heartbeat. */
export async function startWorker(config: WorkerConfig, log: Logger, env: NodeJS.ProcessEnv, overrides: WorkerOverrides = {}): Promise<RunningWorker> {
  const storage = openStorage(config.storageUri, env);
  const redis = workerConnection(config.redisUrl);
  const keys = { prefix: config.redisPrefix };
  const registry = new WorkerRegistry(redis, keys);
  const gpuEnv: NodeJS.ProcessEnv = config.gpu === undefined ? {} : { CUDA_VISIBLE_DEVICES: String(config.gpu), FERMX_GPU_INDEX: String(config.gpu) };
  let backend: string = config.backend;
  const runner = new TrialRunner({
    storage,
    trainer:
      overrides.trainer ??
      new ChildProcessTrainer({
        ...(overrides.trainerEntry ? { entry: overrides.trainerEntry } : {}),
        env: { ...env, ...gpuEnv },
        abortGraceMs: config.shutdownGraceMs,
      }),
    halving: new SuccessiveHalving(redis, keys),
    cancelFlags: new CancelFlags(redis, keys),
    leaderboard: {
      upsert: async (result) => {
        backend = result.backend;
        return new LeaderboardIndex(redis, keys).upsert(result);
      },
    },
    host: config.host,
    worker: config.workerId,
    backend: config.backend,
    replicas: config.replicas,
    cacheDir: config.cacheDir,
    log,
  });
  const { prefix, queueName } = resolveKeySpace(keys);
  const worker = new TrialWorker({
    queueName,
    prefix,
    connection: redis,
    runner,
    pauses: new SweepPauses(redis, keys),
    log,
    lockDurationMs: config.lockDurationMs,
    stalledIntervalMs: config.stalledIntervalMs,
    maxStalledCount: config.maxStalledCount,
    onCurrentTrial: () => heartbeat.beat(),
    probe: () => probeStorage(storage, config.workerId),
    outageBackoff: config.outageBackoff,
  });
  const heartbeat = new Heartbeat(
    registry,
    () => ({
      id: config.workerId,
      host: config.host,
      gpu: config.gpu === undefined ? null : String(config.gpu),
      backend,
      currentTrial: worker.currentTrial ?? null,
    }),
    config.heartbeatMs,
    (error) => log.warn({ err: error }, 'worker heartbeat failed'),
  );
  await worker.start();
  heartbeat.start();
  log.info(
    {
      queue: queueName,
      storage: storage.uri,
      trainer: overrides.trainer ? 'injected' : overrides.trainerEntry ? basename(overrides.trainerEntry, '.ts') : 'tfjs',
      backend: config.backend,
      replicas: config.replicas,
      gpu: config.gpu,
    },
    'worker ready',
  );

  let stopping: Promise<void> | undefined;
  return {
    id: config.workerId,
    stop: () =>
      (stopping ??= (async () => {
        const steps: [string, () => Promise<unknown>][] = [
          ['close queue worker', () => worker.close()],
          ['leave registry', () => heartbeat.stop()],
          ['close redis', () => redis.quit()],
        ];
        // Every step runs even when one fails (CONTRIBUTING.md "Conventions": shutdown).
        for (const [step, run] of steps) {
          await run().catch((error: unknown) => log.warn({ err: error, step }, 'shutdown step failed'));
        }
      })()),
  };
}
