import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { train } from './train.js';
import { syntheticImageSet } from './synthetic-set.js';
import { PAPER_AUGMENTATION } from './augmentation.js';
import { decodeCheckpoint } from './checkpoint.js';
import type { TrainOptions, EpochMetrics } from './train-options.js';
import type { ModelConfig } from '../architectures/model-config.js';

const classes = ['neutral', 'sad', 'surprise', 'angry'];
const trainSet = syntheticImageSet(16, classes, 1);
const valSet = syntheticImageSet(4, classes, 2);
// Tiny on purpose: the stock cpu backend is exact but slow.
const model: ModelConfig = { architecture: 'cnn', numClasses: 4, width: 0.125, dropout: 0.3 };
const options: TrainOptions = { epochs: 3, batchSize: 8, learningRate: 0.01, seed: 7, augmentation: PAPER_AUGMENTATION };

async function weightsOf(m: tf.LayersModel): Promise<Float32Array[]> {
  return Promise.all(m.weights.map(async (w) => (await w.read().data()) as Float32Array));
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  let max = 0;
  a.forEach((values, i) => values.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i]![j]!)))));
  return max;
}

describe('train (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('resumes from a checkpoint exactly: 3 epochs == 1 epoch + restore + 2 epochs', async () => {
    const straight = await train({ model, train: trainSet, val: valSet, options });
    expect(straight.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(straight.stoppedBy).toBe('completed');

    const first = await train({ model, train: trainSet, val: valSet, options: { ...options, epochs: 1 } });
    const checkpoint = first.checkpoint;
    first.model.dispose();
    const resumed = await train({ model, train: trainSet, val: valSet, options, resumeFrom: checkpoint });
    expect(resumed.history.map((h) => h.epoch)).toEqual([1, 2, 3]);

    const strip = (h: EpochMetrics) => ({ loss: h.loss, accuracy: h.accuracy, valLoss: h.valLoss, valAccuracy: h.valAccuracy });
    resumed.history.forEach((h, i) => {
      const s = strip(straight.history[i]!);
      expect(h.loss).toBeCloseTo(s.loss, 6);
      expect(h.valLoss).toBeCloseTo(s.valLoss, 6);
      expect(h.accuracy).toBe(s.accuracy);
    });
    expect(maxDifference(await weightsOf(straight.model), await weightsOf(resumed.model))).toBeLessThan(1e-6);
    // A different seed gives a different run, so the comparison above is not vacuous.
    const other = await train({ model, train: trainSet, val: valSet, options: { ...options, epochs: 1, seed: 8 } });
    expect(other.history[0]!.loss).not.toBeCloseTo(straight.history[0]!.loss, 6);
    for (const m of [straight.model, resumed.model, other.model]) m.dispose();
  });

  it('checkpoint carries weights, Adam moments, epoch, history and early-stopping state', async () => {
    const out = await train({ model, train: trainSet, val: valSet, options: { ...options, epochs: 1, earlyStopping: { patience: 3 } } });
    const { header, payloads } = decodeCheckpoint(out.checkpoint);
    expect(header.epoch).toBe(1);
    expect((header.adam as { iteration: number }).iteration).toBe(2);
    expect((header.history as EpochMetrics[]).length).toBe(1);
    expect(header.earlyStopping).toMatchObject({ bestEpoch: 1, epochsWithoutImprovement: 0 });
    const roles = header.tensors.map((t) => t.role);
    expect(roles.filter((r) => r === 'weight').length).toBe(out.model.weights.length);
    expect(roles.filter((r) => r === 'adam-m').length).toBe(out.model.trainableWeights.length);
    expect(payloads.length).toBe(header.tensors.length);
    out.model.dispose();
  });

  it('stops on callback and on abort, and rejects a checkpoint for another model', async () => {
    const seen: number[] = [];
    const out = await train({
      model, train: trainSet, val: valSet, options,
      onEpochEnd: async (m, checkpoint) => {
        seen.push(m.epoch);
        expect((await checkpoint()).length).toBeGreaterThan(100);
        return 'stop';
      },
    });
    expect(out.stoppedBy).toBe('callback');
    expect(seen).toEqual([1]);
    // Aborted from a timer while the first epoch runs: training must notice between batches.
    const controller = new AbortController();
    const started = train({ model, train: trainSet, val: valSet, options, signal: controller.signal });
    setTimeout(() => controller.abort(), 1);
    const aborted = await started;
    expect(aborted.stoppedBy).toBe('aborted');
    expect(aborted.history).toEqual([]);
    expect(decodeCheckpoint(aborted.checkpoint).header.epoch).toBe(0);
    await expect(train({ model: { ...model, width: 0.5 }, train: trainSet, val: valSet, options, resumeFrom: out.checkpoint })).rejects.toThrow(/checkpoint is for model/);
    out.model.dispose();
    aborted.model.dispose();
  });

  it('rejects bad input naming the field', async () => {
    await expect(train({ model, train: trainSet, val: valSet, options: { ...options, batchSize: 0 } })).rejects.toThrow(/batchSize/);
    await expect(train({ model: { ...model, numClasses: 3 }, train: trainSet, val: valSet, options })).rejects.toThrow(/numClasses is 3/);
    const broken = { ...trainSet, labels: trainSet.labels.slice(0, 5) };
    await expect(train({ model, train: broken, val: valSet, options })).rejects.toThrow(/train.labels/);
  });
});
