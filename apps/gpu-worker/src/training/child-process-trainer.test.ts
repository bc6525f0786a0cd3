import { describe, expect, it } from 'vitest';
import type { TrialSpec } from '@fermx/contracts';
import { SYNTHETIC_TRAINER_ENTRY } from '../testing/entries.js';
import { ChildProcessTrainer } from './child-process-trainer.js';
import { TrialInputError } from './errors/index.js';
import type { TrainingRequest } from './trainer.js';

const spec: TrialSpec = {
  trialId: 't-00000000000000aa',
  sweepId: 's-child',
  sweepName: 'child',
  dataset: { uri: 'file:///nowhere', version: 'v1' },
  model: { architecture: 'cnn', numClasses: 3 },
  training: { epochs: 4, batchSize: 8, learningRate: 0.001, seed: 3, augmentation: false },
  metric: 'val_accuracy',
  createdAt: new Date(0).toISOString(),
};
const request: TrainingRequest = { spec, resumeEpoch: 0, backend: 'cpu', cacheDir: '/tmp/none' };
const trainer = (epochMs = 20, abortGraceMs = 2000) =>
  new ChildProcessTrainer({ entry: SYNTHETIC_TRAINER_ENTRY, env: { ...process.env, FERMX_SYNTHETIC_EPOCH_MS: String(epochMs) }, abortGraceMs });

describe('ChildProcessTrainer', () => {
  it('trains in a child process, relaying epochs, checkpoints and decisions over IPC', async () => {
    const epochs: number[] = [];
    const outcome = await trainer().train(
      request,
      {
        onEpoch: async (m, checkpoint) => {
          epochs.push(m.epoch);
          expect(checkpoint).toBeInstanceOf(Uint8Array);
          return m.epoch === 3 ? 'stop' : 'continue';
        },
      },
      new AbortController().signal,
    );
    expect(epochs).toEqual([1, 2, 3]);
    expect(outcome.stoppedBy).toBe('callback');
    expect(outcome.modelFiles['weights.bin']).toBeInstanceOf(Uint8Array);
    expect(outcome.evaluation.val.classes).toHaveLength(3);
  });

  it('resumes from a checkpoint it produced', async () => {
    let saved: Uint8Array | undefined;
    await trainer().train(request, { onEpoch: async (m, c) => ((saved = c), m.epoch === 2 ? 'stop' : 'continue') }, new AbortController().signal);
    const epochs: number[] = [];
    await trainer().train(
      { ...request, resumeFrom: saved, resumeEpoch: 2 },
      { onEpoch: async (m) => (epochs.push(m.epoch), 'continue') },
      new AbortController().signal,
    );
    expect(epochs).toEqual([3, 4]);
  });

  it('stops promptly when aborted', async () => {
    const abort = new AbortController();
    const began = Date.now();
    // A long grace: on a loaded machine the child may still be loading when the abort arrives;
    // it must then stop by itself (stoppedBy 'aborted'), not be killed, long before its 60 s epoch ends.
    const run = trainer(60_000, 30_000).train(request, { onEpoch: async () => 'continue' }, abort.signal);
    setTimeout(() => abort.abort(), 1500);
    const outcome = await run;
    expect(outcome.stoppedBy).toBe('aborted');
    expect(Date.now() - began).toBeLessThan(30_000);
  });

  it("rebuilds the child's error as its own class (the class name crosses IPC explicitly)", async () => {
    let saved: Uint8Array | undefined;
    await trainer().train(request, { onEpoch: async (m, c) => ((saved = c), m.epoch === 1 ? 'stop' : 'continue') }, new AbortController().signal);
    // a checkpoint of another trial is bad input for this one: fail once, never retried
    const other = { ...request, spec: { ...spec, trialId: 't-00000000000000bb' }, resumeFrom: saved, resumeEpoch: 1 };
    const error = await trainer()
      .train(other, { onEpoch: async () => 'continue' }, new AbortController().signal)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrialInputError);
    expect((error as TrialInputError).retry).toBe('fail');
    expect((error as Error).message).toMatch(/not a synthetic checkpoint of trial t-00000000000000bb/);
  });

  it('turns a failing epoch hook into a rejected run and kills the child', async () => {
    const run = trainer().train(request, { onEpoch: async () => Promise.reject(new Error('storage down')) }, new AbortController().signal);
    await expect(run).rejects.toThrow('storage down');
  });
});
