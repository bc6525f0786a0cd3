import { toWire } from './errors/wire-error.js';
import type { ChildMessage, ParentMessage } from './protocol.js';
import type { EpochDecision, Trainer } from './trainer.js';

/**
 * The trainer child's side of the IPC protocol (protocol.ts): waits for `start`, trains with the
 * trainer `create` builds, relays each epoch and waits for the worker's decision, and reports the
 * outcome or the classified error. trainer-process.ts serves the tfjs trainer with it; tests and
 * benches serve the synthetic one (apps/gpu-worker/src/testing/synthetic-trainer-process.ts).
 */
export function serveTrainer(create: () => Promise<Trainer>): void {
  const abort = new AbortController();
  const pending = new Map<number, (decision: EpochDecision) => void>();

  const send = (message: ChildMessage): Promise<void> =>
    new Promise((resolve, reject) => process.send!(message, undefined, {}, (error) => (error ? reject(error) : resolve())));

  // The worker died (kill -9): another worker resumes this trial from its last checkpoint.
  process.on('disconnect', () => process.exit(0));

  process.on('message', (message: ParentMessage) => {
    if (message.type === 'start') void start(message);
    else if (message.type === 'decision') {
      pending.get(message.epoch)?.(message.decision);
      pending.delete(message.epoch);
    } else if (message.type === 'abort') {
      abort.abort();
      for (const resolve of pending.values()) resolve('stop');
      pending.clear();
    }
  });

  async function start(message: Extract<ParentMessage, { type: 'start' }>): Promise<void> {
    try {
      const trainer = await create();
      const outcome = await trainer.train(
        message.request,
        {
          onEpoch: async (metrics, checkpoint) => {
            if (abort.signal.aborted) return 'stop';
            const decision = new Promise<EpochDecision>((resolve) => pending.set(metrics.epoch, resolve));
            await send({ type: 'epoch', metrics, checkpoint });
            return decision;
          },
        },
        abort.signal,
      );
      await send({ type: 'done', outcome });
    } catch (error) {
      // Loaded only on failure: classifying maps @fermx/data's errors, and that barrel takes seconds to load.
      const { classifyError } = await import('./errors/classify-error.js');
      await send({ type: 'failed', error: toWire(classifyError(error)) }).catch(() => undefined);
    }
    process.disconnect();
  }
}
