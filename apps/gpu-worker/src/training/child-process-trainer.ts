import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
// The error classes by file, not the barrel: classify-error would load @fermx/data.
import { TrainerCrashedError } from './errors/trainer-crashed-error.js';
import { fromWire } from './errors/wire-error.js';
import type { ChildMessage, ParentMessage } from './protocol.js';
import type { Trainer, TrainingHooks, TrainingOutcome, TrainingRequest } from './trainer.js';

/** The production trainer child: tfjs. */
export const TFJS_TRAINER_ENTRY = fileURLToPath(new URL('./trainer-process.ts', import.meta.url));
// tsx's loader by absolute URL: a bare `--import tsx` would resolve from the working directory.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export interface ChildProcessTrainerOptions {
  /** The child's entry script (default: the tfjs trainer; tests and benches pass the synthetic one's). */
  entry?: string;
  /** The child's environment (the worker's, plus e.g. CUDA_VISIBLE_DEVICES for `--gpu`). */
  env: NodeJS.ProcessEnv;
  /** After an abort, how long the child may take to stop before it is killed. */
  abortGraceMs: number;
}

/**
 * Runs a trainer in a forked child process (through tsx, like the CLI) and relays epochs and
 * decisions over IPC. The worker's event loop stays free, so BullMQ keeps the job lock alive
 * while tfjs blocks the child's.
 */
export class ChildProcessTrainer implements Trainer {
  constructor(private readonly options: ChildProcessTrainerOptions) {}

  train(request: TrainingRequest, hooks: TrainingHooks, signal: AbortSignal): Promise<TrainingOutcome> {
    const child = fork(this.options.entry ?? TFJS_TRAINER_ENTRY, [], {
      execArgv: ['--import', TSX_LOADER],
      serialization: 'advanced', // Uint8Array checkpoints and model files cross as bytes
      env: this.options.env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise<TrainingOutcome>((resolve, reject) => {
      let settled = false;
      let killTimer: NodeJS.Timeout | undefined;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        fn();
      };
      const post = (message: ParentMessage) => {
        if (child.connected) child.send(message, (error) => error && undefined);
      };
      const onAbort = () => {
        post({ type: 'abort' });
        killTimer = setTimeout(() => child.kill('SIGKILL'), this.options.abortGraceMs);
        killTimer.unref();
      };
      child.on('message', (message: ChildMessage) => {
        if (message.type === 'epoch') {
          hooks.onEpoch(message.metrics, message.checkpoint).then(
            (decision) => post({ type: 'decision', epoch: message.metrics.epoch, decision }),
            (error: unknown) => {
              // A failed epoch hook (storage down) ends the trial attempt; the child must not train on.
              child.kill('SIGKILL');
              finish(() => reject(error));
            },
          );
        } else if (message.type === 'done') {
          finish(() => resolve(message.outcome));
        } else if (message.type === 'failed') {
          const error = fromWire(message.error);
          finish(() => reject(error));
        }
      });
      child.once('error', (error) => finish(() => reject(new TrainerCrashedError(`trainer process failed: ${error.message}`))));
      child.once('exit', (code, sig) => {
        if (killTimer) clearTimeout(killTimer);
        finish(() => reject(new TrainerCrashedError(`trainer process exited (code ${code}, signal ${sig}) before finishing the trial`)));
      });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      post({ type: 'start', request });
    }).finally(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
  }
}
