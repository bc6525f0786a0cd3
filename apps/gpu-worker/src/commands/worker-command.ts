import { createLogger, defineCommand, UsageError } from '@fermx/cli';
import { BACKEND_CHOICES, parseWorkerConfig, WorkerConfigError } from '../config.js';
import { startWorker, type WorkerOverrides } from '../worker/start-worker.js';

/** The whole shutdown must end within 30 s (Kubernetes' default grace period). */
const SHUTDOWN_DEADLINE_MS = 28_000;

/** `fermx worker`. Tests and benches build it with overrides (the synthetic trainer: apps/gpu-worker/src/testing/synthetic-worker.ts). */
export const workerCommand = workerCommandWith({});

export function workerCommandWith(overrides: WorkerOverrides) {
  return defineCommand({
    path: ['worker'],
    summary: 'Train trials from the queue, one at a time (run one worker per GPU)',
    usage: `[--gpu N] [--backend ${BACKEND_CHOICES.join('|')}] [--replicas R]`,
    options: {
      gpu: { type: 'string' },
      backend: { type: 'string' },
      replicas: { type: 'string' },
    },
    async run(ctx) {
      let config;
      try {
        config = parseWorkerConfig(ctx.env, {
          gpu: ctx.values.gpu as string | undefined,
          backend: ctx.values.backend as string | undefined,
          replicas: ctx.values.replicas as string | undefined,
        });
      } catch (error) {
        if (error instanceof WorkerConfigError) throw new UsageError(error.message);
        throw error;
      }
      const log = createLogger('gpu-worker', ctx.env).child({ worker: config.workerId });
      const worker = await startWorker(config, log, ctx.env, overrides);
      const signal = await new Promise<NodeJS.Signals>((resolve) => {
        process.once('SIGTERM', () => resolve('SIGTERM'));
        process.once('SIGINT', () => resolve('SIGINT'));
      });
      log.info({ signal }, 'shutting down: no new trials, handing the running trial back');
      // A second signal while stopping is ignored: shutdown is already bounded.
      const ignore = () => log.info({}, 'already shutting down');
      process.on('SIGTERM', ignore);
      process.on('SIGINT', ignore);
      const deadline = setTimeout(() => {
        log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long; exiting');
        process.exit(1);
      }, SHUTDOWN_DEADLINE_MS);
      deadline.unref();
      await worker.stop();
      log.info({}, 'worker stopped');
      return 0;
    },
  });
}
