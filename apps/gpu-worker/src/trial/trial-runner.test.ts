import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { StorageUnavailableError, type Storage } from '@fermx/data';
import type { TrialResult, TrialSpec } from '@fermx/contracts';
import { classifyError, InfrastructureError, TrialDivergedError } from '../training/errors/index.js';
import { SyntheticTrainer, syntheticWeights } from '../testing/synthetic-trainer.js';
import type { Trainer } from '../training/trainer.js';
import { TrialRunner, type TrialRunnerDeps } from './trial-runner.js';
import { TrialFiles } from './trial-files.js';

/** In-memory Storage for unit tests; `failPuts` makes writes fail like an unreachable S3. */
class MemoryStorage implements Storage {
  readonly uri = 'mem://test';
  readonly objects = new Map<string, Uint8Array>();
  failPuts = false;
  uriOf(key: string) {
    return `${this.uri}/${key}`;
  }
  async get(key: string) {
    const v = this.objects.get(key);
    if (!v) throw new Error(`missing ${key}`);
    return v;
  }
  async getOptional(key: string) {
    return this.objects.get(key);
  }
  async put(key: string, body: Uint8Array | string) {
    if (this.failPuts) throw new StorageUnavailableError(`unreachable: ${key}`);
    this.objects.set(key, typeof body === 'string' ? new TextEncoder().encode(body) : body);
  }
  async exists(key: string) {
    return this.objects.has(key);
  }
  async list(prefix: string) {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
  async delete(key: string) {
    this.objects.delete(key);
  }
}

const spec = (over: Partial<TrialSpec> = {}): TrialSpec => ({
  trialId: 't-0123456789abcdef',
  sweepId: 's-1',
  sweepName: 'unit',
  dataset: { uri: 'file:///nowhere', version: 'v1' },
  model: { architecture: 'cnn', numClasses: 4 },
  training: { epochs: 5, batchSize: 8, learningRate: 0.001, seed: 1, augmentation: false },
  metric: 'val_accuracy',
  createdAt: new Date(0).toISOString(),
  ...over,
});

function setup(over: Partial<TrialRunnerDeps> = {}) {
  const storage = new MemoryStorage();
  const upserts: TrialResult[] = [];
  const rungs: number[] = [];
  const deps: TrialRunnerDeps = {
    storage,
    trainer: new SyntheticTrainer({ epochMs: 1 }),
    halving: { reportRung: async (_s, _t, epoch) => (rungs.push(epoch), 'continue') },
    cancelFlags: { isCancelled: async () => false },
    leaderboard: { upsert: async (r) => upserts.push(r) },
    host: 'h',
    worker: 'w1',
    backend: 'cpu',
    cacheDir: '/tmp/none',
    log: pino({ level: 'silent' }),
    ...over,
  };
  return { storage, upserts, rungs, runner: new TrialRunner(deps), deps };
}

const attempt = (n = 1, signal = new AbortController().signal) => {
  const progress: number[] = [];
  return { progress, attempt: { attempt: n, signal, reportProgress: async (p: { epoch: number }) => void progress.push(p.epoch) } };
};

describe('TrialRunner', () => {
  it('trains, checkpoints every epoch, writes result and model, and indexes once', async () => {
    const { storage, upserts, runner } = setup();
    const a = attempt();
    const outcome = await runner.run(spec(), a.attempt);
    expect(outcome.kind).toBe('finished');
    const files = new TrialFiles(storage, spec());
    expect(a.progress).toEqual([1, 2, 3, 4, 5]);
    expect((await files.readMetrics()).map((m) => m.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect((await files.readLatest())?.epoch).toBe(5);
    // the latest checkpoint and the one before it (the fallback) are kept, older ones deleted
    expect(await storage.list(`${files.dir}/checkpoints/`)).toEqual([
      `${files.dir}/checkpoints/epoch-4.ckpt`,
      `${files.dir}/checkpoints/epoch-5.ckpt`,
      `${files.dir}/checkpoints/latest.json`,
    ]);
    expect((await files.readLatest())?.previous).toEqual({ epoch: 4, key: `${files.dir}/checkpoints/epoch-4.ckpt` });
    const result = await files.readResult();
    expect(result?.status).toBe('completed');
    expect(result?.epochsRun).toBe(5);
    expect(result?.curves).toHaveLength(5);
    expect(result?.metrics.confusionMatrix).toHaveLength(4);
    expect(result?.modelUri).toBe(`mem://test/${files.dir}/model`);
    expect(storage.objects.has(`${files.dir}/model/weights.bin`)).toBe(true);
    expect(upserts).toHaveLength(1);
  });

  it("carries the sweep's variant label into the result (the leaderboard shows it)", async () => {
    const { storage, runner } = setup();
    await runner.run(spec({ variant: 'M-Xception+Dropout' }), attempt().attempt);
    expect((await new TrialFiles(storage, spec()).readResult())?.variant).toBe('M-Xception+Dropout');
  });

  it('resumes from the last checkpoint without retraining earlier epochs', async () => {
    const { storage } = setup();
    const first = new AbortController();
    const trained: number[] = [];
    // stop the first attempt (shutdown) after epoch 2
    // records trained epochs; during the first attempt a shutdown arrives after epoch 2
    const recording = (shutdownAfter?: number): Trainer => ({
      train: (req, hooks, signal) =>
        new SyntheticTrainer({ epochMs: 1 }).train(
          req,
          {
            onEpoch: async (m, c) => {
              trained.push(m.epoch);
              if (m.epoch === shutdownAfter) first.abort();
              return hooks.onEpoch(m, c);
            },
          },
          signal,
        ),
    });
    const r1 = await new TrialRunner({ ...setup().deps, storage, trainer: recording(2) }).run(spec(), attempt(1, first.signal).attempt);
    expect(r1).toEqual({ kind: 'interrupted', epochsDone: 2 });
    const r2 = await new TrialRunner({ ...setup().deps, storage, trainer: recording(), worker: 'w2' }).run(spec(), attempt(2).attempt);
    expect(r2.kind).toBe('finished');
    expect(trained).toEqual([1, 2, 3, 4, 5]);
    const lines = await new TrialFiles(storage, spec()).readMetrics();
    expect(lines.map((l) => `${l.epoch}@${l.worker}#${l.attempt}`)).toEqual(['1@w1#1', '2@w1#1', '3@w2#2', '4@w2#2', '5@w2#2']);
    if (r2.kind === 'finished') expect(r2.result.curves.map((c) => c.epoch)).toEqual([1, 2, 3, 4, 5]);
  });

  it('stops early at a rung when successive halving says stop, and still writes the result', async () => {
    const { runner, rungs, upserts } = setup({ halving: { reportRung: async (_s, _t, epoch) => (epoch === 2 ? 'stop' : 'continue') } });
    const outcome = await runner.run(spec({ halving: { rungs: [1, 2, 4], reductionFactor: 3 } }), attempt().attempt);
    expect(outcome.kind === 'finished' && outcome.result.status).toBe('stopped-early');
    expect(outcome.kind === 'finished' && outcome.result.epochsRun).toBe(2);
    expect(upserts).toHaveLength(1);
    void rungs;
  });

  it('a trial halted by successive halving and then interrupted is finished on resume, not trained on', async () => {
    const { storage } = setup();
    const s = spec({ halving: { rungs: [2], reductionFactor: 3 } });
    const halving = { reportRung: async () => 'stop' as const };
    // the first attempt is halted at epoch 2 and then its worker dies before writing the result
    const dying: Trainer = {
      train: async (req, hooks, signal) => {
        await new SyntheticTrainer({ epochMs: 1 }).train(req, hooks, signal);
        throw new Error('worker died');
      },
    };
    await expect(new TrialRunner({ ...setup().deps, storage, halving, trainer: dying }).run(s, attempt().attempt)).rejects.toThrow('worker died');
    const trained: number[] = [];
    const recording: Trainer = {
      train: (req, hooks, signal) =>
        new SyntheticTrainer({ epochMs: 1 }).train(req, { onEpoch: async (m, c) => (trained.push(m.epoch), hooks.onEpoch(m, c)) }, signal),
    };
    const again = await new TrialRunner({ ...setup().deps, storage, halving, trainer: recording }).run(s, attempt(2).attempt);
    expect(trained).toEqual([]);
    expect(again.kind === 'finished' && again.result.status).toBe('stopped-early');
    expect(again.kind === 'finished' && again.result.epochsRun).toBe(2);
  });

  it("reports the sweep's objective at a rung: val_loss minimised, best so far", async () => {
    const reports: [number, number, string | undefined][] = [];
    const { runner, storage } = setup({ halving: { reportRung: async (_s, _t, epoch, value, _h, goal) => (reports.push([epoch, value, goal]), 'continue') } });
    const s = spec({ halving: { rungs: [3], reductionFactor: 2 }, metric: { name: 'val_loss', goal: 'min', summary: 'best' } });
    await runner.run(s, attempt().attempt);
    const result = JSON.parse(new TextDecoder().decode(storage.objects.get(`runs/${s.sweepId}/${s.trialId}/result.json`)!)) as TrialResult;
    expect(reports).toEqual([[3, Math.min(...result.curves.slice(0, 3).map((c) => c.valLoss)), 'min']]);
  });

  it('asks halving only at rung epochs', async () => {
    const { runner, rungs } = setup();
    await runner.run(spec({ halving: { rungs: [1, 3], reductionFactor: 2 } }), attempt().attempt);
    expect(rungs).toEqual([1, 3]);
  });

  it('stops a trial whose sweep is cancelled, without a result', async () => {
    let cancelled = false;
    const { runner, storage, upserts } = setup({ cancelFlags: { isCancelled: async () => cancelled } });
    const a = { attempt: 1, signal: new AbortController().signal, reportProgress: async (p: { epoch: number }) => void (p.epoch === 2 && (cancelled = true)) };
    expect(await runner.run(spec(), a)).toEqual({ kind: 'cancelled', epochsDone: 2 });
    expect(await new TrialFiles(storage, spec()).readResult()).toBeUndefined();
    expect(upserts).toHaveLength(0);
  });

  it('does not retrain a trial whose result exists; it only re-indexes it', async () => {
    const { runner, upserts } = setup();
    await runner.run(spec(), attempt().attempt);
    const trained: number[] = [];
    const counting: Trainer = { train: async () => (trained.push(1), Promise.reject(new Error('must not train'))) };
    const again = await new TrialRunner({
      ...setup().deps,
      storage: (runner as unknown as { deps: TrialRunnerDeps }).deps.storage,
      leaderboard: { upsert: async (r) => upserts.push(r) },
      trainer: counting,
    }).run(spec(), attempt(2).attempt);
    expect(again.kind).toBe('finished');
    expect(trained).toHaveLength(0);
    expect(new Set(upserts.map((u) => u.trialId)).size).toBe(1);
  });

  it('lets a storage outage surface as an infrastructure fault: handed back, not retried with an attempt', async () => {
    const { runner, storage } = setup();
    storage.failPuts = true;
    const error = await runner.run(spec(), attempt().attempt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageUnavailableError);
    const fault = classifyError(error);
    expect(fault).toBeInstanceOf(InfrastructureError);
    expect(fault.retry).toBe('hand-back');
  });
});

/** A pino logger whose lines the test can read. */
function recordingLog() {
  const lines: Record<string, unknown>[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { log, lines, has: (msg: string) => lines.some((l) => l.msg === msg) };
}

/** Runs the synthetic trainer and records which epochs it really trained; `interruptAfter` simulates a shutdown. */
function recordingTrainer(trained: number[], interruptAfter?: { epoch: number; abort: AbortController }): Trainer {
  return {
    train: (req, hooks, signal) =>
      new SyntheticTrainer({ epochMs: 1 }).train(
        req,
        {
          onEpoch: async (m, c) => {
            trained.push(m.epoch);
            if (m.epoch === interruptAfter?.epoch) interruptAfter.abort.abort();
            return hooks.onEpoch(m, c);
          },
        },
        signal,
      ),
  };
}

const weightsOf = (storage: MemoryStorage, files: TrialFiles) =>
  Array.from(new Float32Array(storage.objects.get(`${files.dir}/model/weights.bin`)!.slice().buffer));

describe('TrialRunner checkpoints: checksum, fallback', () => {
  const interruptedAt3 = async () => {
    const { storage, deps } = setup();
    const abort = new AbortController();
    const first = await new TrialRunner({ ...deps, trainer: recordingTrainer([], { epoch: 3, abort }) }).run(spec(), attempt(1, abort.signal).attempt);
    expect(first).toEqual({ kind: 'interrupted', epochsDone: 3 });
    const files = new TrialFiles(storage, spec());
    expect((await files.readLatest())?.previous?.epoch).toBe(2);
    return { storage, deps, files };
  };
  const flipByte = (storage: MemoryStorage, key: string, at = 40) => {
    const bytes = storage.objects.get(key)!.slice();
    bytes[at] = bytes[at]! ^ 0x10;
    storage.objects.set(key, bytes);
  };

  it('a checkpoint with one flipped byte is detected on resume: the trial falls back to the previous epoch, logged', async () => {
    const { storage, deps, files } = await interruptedAt3();
    flipByte(storage, `${files.dir}/checkpoints/epoch-3.ckpt`);
    const trained: number[] = [];
    const rec = recordingLog();
    const outcome = await new TrialRunner({ ...deps, trainer: recordingTrainer(trained), worker: 'w2', log: rec.log }).run(spec(), attempt(2).attempt);
    expect(outcome.kind).toBe('finished');
    expect(trained).toEqual([3, 4, 5]); // epoch 3 trained again from the good epoch-2 checkpoint
    expect(rec.has('checkpoint failed verification; falling back to the previous epoch')).toBe(true);
    expect(rec.lines.find((l) => l.msg === 'checkpoint failed verification; falling back to the previous epoch')).toMatchObject({
      epoch: 3,
      fallbackEpoch: 2,
      reason: expect.stringMatching(/checksum mismatch/),
    });
    const lines = await files.readMetrics();
    expect(lines.map((l) => `${l.epoch}@${l.worker}`)).toEqual(['1@w1', '2@w1', '3@w2', '4@w2', '5@w2']);
    // the final weights are those of an uninterrupted run: nothing of the corrupt bytes survived
    expect(weightsOf(storage, files)).toEqual(Array.from(syntheticWeights(spec().training.seed, 5)));
  });

  it('with no good checkpoint the trial trains from scratch, logged', async () => {
    const { storage, deps, files } = await interruptedAt3();
    flipByte(storage, `${files.dir}/checkpoints/epoch-3.ckpt`);
    flipByte(storage, `${files.dir}/checkpoints/epoch-2.ckpt`, 20);
    const trained: number[] = [];
    const rec = recordingLog();
    const outcome = await new TrialRunner({ ...deps, trainer: recordingTrainer(trained), log: rec.log }).run(spec(), attempt(2).attempt);
    expect(outcome.kind).toBe('finished');
    expect(trained).toEqual([1, 2, 3, 4, 5]);
    expect(rec.has('no checkpoint passed verification; training the trial from scratch')).toBe(true);
    expect((await files.readMetrics()).map((l) => l.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(weightsOf(storage, files)).toEqual(Array.from(syntheticWeights(spec().training.seed, 5)));
  });
});

describe('TrialRunner: a diverged model fails its trial and is never ranked', () => {
  /** The synthetic trainer with a loss that turns NaN at `epoch`. */
  const nanLossAt = (epoch: number): Trainer => ({
    train: (req, hooks, signal) =>
      new SyntheticTrainer({ epochMs: 1 }).train(req, { onEpoch: (m, c) => hooks.onEpoch(m.epoch === epoch ? { ...m, loss: Number.NaN } : m, c) }, signal),
  });

  it('a NaN loss fails the trial naming the epoch; that epoch is not stored, nothing is indexed', async () => {
    const { runner, storage, upserts } = setup({ trainer: nanLossAt(3) });
    const error = await runner.run(spec(), attempt().attempt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TrialDivergedError);
    expect((error as TrialDivergedError).epoch).toBe(3);
    expect((error as Error).message).toMatch(/^epoch 3: loss is NaN/);
    expect(classifyError(error).retry).toBe('fail');
    const files = new TrialFiles(storage, spec());
    expect(await files.readResult()).toBeUndefined();
    expect((await files.readLatest())?.epoch).toBe(2);
    expect(upserts).toHaveLength(0);
  });

  it('NaN in the final weights fails the trial before the model or result is written', async () => {
    const nanWeights: Trainer = {
      train: async (req, hooks, signal) => {
        const outcome = await new SyntheticTrainer({ epochMs: 1 }).train(req, hooks, signal);
        const weights = new Float32Array(outcome.modelFiles['weights.bin']!.slice().buffer);
        weights[2] = Number.NaN;
        return { ...outcome, modelFiles: { ...outcome.modelFiles, 'weights.bin': new Uint8Array(weights.buffer) } };
      },
    };
    const { runner, storage, upserts } = setup({ trainer: nanWeights });
    await expect(runner.run(spec(), attempt().attempt)).rejects.toThrow(/final weights: synthetic\/w\[2\] is NaN/);
    const files = new TrialFiles(storage, spec());
    expect(await files.readResult()).toBeUndefined();
    expect(storage.objects.has(`${files.dir}/model/weights.bin`)).toBe(false);
    expect(upserts).toHaveLength(0);
  });

  it('an existing result.json with a non-finite number (NaN reads back as null) is not re-indexed', async () => {
    const { runner, storage, upserts } = setup();
    await runner.run(spec(), attempt().attempt);
    upserts.length = 0;
    const files = new TrialFiles(storage, spec());
    const result = (await files.readResult())!;
    await files.writeResult({ ...result, metrics: { ...result.metrics, valAccuracy: Number.NaN } });
    await expect(runner.run(spec(), attempt(2).attempt)).rejects.toThrow(/metrics.valAccuracy is null/);
    expect(upserts).toHaveLength(0);
  });
});
