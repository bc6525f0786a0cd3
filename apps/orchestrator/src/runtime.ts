import type { Redis } from 'ioredis';
import { openStorage, type Storage } from '@fermx/data';
import { CancelFlags, connectProducer, LeaderboardIndex, SuccessiveHalving, trialQueue, WorkerRegistry, type TrialQueue } from '@fermx/queue';
import type { OrchestratorConfig } from './config.js';
import { storageDatasetProbe, type DatasetProbe } from './sweeps/dataset-probe.js';
import { storageModelProbe } from './sweeps/model-probe.js';
import { SweepCatalog } from './sweeps/sweep-catalog.js';
import { SweepService } from './sweeps/sweep-service.js';

/** The orchestrator's adapters, built once from config and closed once. */
export interface Runtime {
  config: OrchestratorConfig;
  redis: Redis;
  storage: Storage;
  queue: TrialQueue;
  catalog: SweepCatalog;
  index: LeaderboardIndex;
  workers: WorkerRegistry;
  halving: SuccessiveHalving;
  cancelFlags: CancelFlags;
  sweeps: SweepService;
  close(): Promise<void>;
}

export async function openRuntime(config: OrchestratorConfig, env: NodeJS.ProcessEnv, options: { probe?: DatasetProbe } = {}): Promise<Runtime> {
  const redis = await connectProducer(config.redisUrl);
  const keys = { prefix: config.prefix };
  const storage = openStorage(config.storageUri, env);
  const queue = trialQueue(redis, keys);
  const catalog = new SweepCatalog(redis, storage, config.prefix);
  const index = new LeaderboardIndex(redis, keys);
  const halving = new SuccessiveHalving(redis, keys);
  const cancelFlags = new CancelFlags(redis, keys);
  const sweeps = new SweepService({
    redis,
    queue,
    catalog,
    index,
    cancelFlags,
    halving,
    probe: options.probe ?? storageDatasetProbe(env, config.datasetRoots),
    probeModel: storageModelProbe(env, config.storageUri, config.datasetRoots),
    keys,
    maxTrials: config.maxTrials,
  });
  let closing: Promise<void> | undefined;
  return {
    config,
    redis,
    storage,
    queue,
    catalog,
    index,
    halving,
    cancelFlags,
    sweeps,
    workers: new WorkerRegistry(redis, keys),
    // Idempotent, and runs every step even when one throws.
    close: () =>
      (closing ??= (async () => {
        await queue.close().catch(() => undefined);
        await redis.quit().catch(() => redis.disconnect());
      })()),
  };
}
