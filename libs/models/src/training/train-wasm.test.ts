import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@fermx/kernels';
import { evaluate } from '../metrics/evaluate.js';
import { PAPER_AUGMENTATION } from './augmentation.js';
import { syntheticImageSet } from './synthetic-set.js';
import { train } from './train.js';

const classes = ['neutral', 'sad', 'surprise', 'angry'];

describe('train on wasm with fermx gradient kernels', () => {
  beforeAll(async () => {
    const info = await initBackend('wasm');
    expect(info.reason).not.toMatch(/unavailable/);
  });

  it('fits M-Xception (separable convs, BN, max pooling, shortcuts, dropout) for 2 epochs and resumes exactly', async () => {
    const trainSet = syntheticImageSet(64, classes, 1);
    const valSet = syntheticImageSet(16, classes, 2);
    const model = { architecture: 'mxception' as const, numClasses: 4, width: 0.25, dropout: 0.2 };
    const options = { epochs: 2, batchSize: 8, learningRate: 0.005, seed: 3, augmentation: PAPER_AUGMENTATION };
    const tensorsBefore = tf.memory().numTensors;
    const out = await train({ model, train: trainSet, val: valSet, options });
    expect(tf.getBackend()).toBe('wasm');
    expect(out.history).toHaveLength(2);
    for (const h of out.history) {
      expect(Number.isFinite(h.loss) && Number.isFinite(h.valLoss)).toBe(true);
      expect(h.imagesPerSecond).toBeGreaterThan(0);
    }
    expect(out.history[1]!.loss).toBeLessThan(out.history[0]!.loss);

    const first = await train({ model, train: trainSet, val: valSet, options: { ...options, epochs: 1 } });
    const resumed = await train({ model, train: trainSet, val: valSet, options, resumeFrom: first.checkpoint });
    expect(resumed.history[1]!.loss).toBeCloseTo(out.history[1]!.loss, 5);
    const a = out.model.getWeights().map((w) => w.dataSync());
    const b = resumed.model.getWeights().map((w) => w.dataSync());
    let max = 0;
    a.forEach((values, i) => values.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i]![j]!)))));
    expect(max).toBeLessThan(1e-5);
    // Each run returns its last and its best epoch's model; the caller owns both.
    for (const run of [out, first, resumed]) {
      run.model.dispose();
      run.best?.model.dispose();
    }
    // Nothing but the models' own weights may outlive a run (100-epoch trials would leak).
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('fits the reduced Residual Masking Network (basic blocks, masks gating x·(1 + M), up-sampling, sigmoid) for 2 epochs', async () => {
    const trainSet = syntheticImageSet(64, classes, 6);
    const valSet = syntheticImageSet(16, classes, 7);
    const out = await train({
      model: { architecture: 'rmn', numClasses: 4, width: 0.25, dropout: 0.2 },
      train: trainSet,
      val: valSet,
      options: { epochs: 2, batchSize: 8, learningRate: 0.005, seed: 3, augmentation: PAPER_AUGMENTATION },
    });
    expect(tf.getBackend()).toBe('wasm');
    for (const h of out.history) expect(Number.isFinite(h.loss) && Number.isFinite(h.valLoss)).toBe(true);
    expect(out.history[1]!.loss).toBeLessThan(out.history[0]!.loss);
    out.model.dispose();
    out.best?.model.dispose();
  });

  it('learns a separable synthetic task (inference-mode val accuracy), and evaluate agrees with the last epoch', async () => {
    const trainSet = syntheticImageSet(96, classes, 4);
    const valSet = syntheticImageSet(32, classes, 5);
    // 48 steps: enough for BN's moving statistics (momentum 0.9) to reach the batch statistics.
    const out = await train({ model: { architecture: 'cnn', numClasses: 4, width: 0.5 }, train: trainSet, val: valSet, options: { epochs: 8, batchSize: 16, learningRate: 0.01, seed: 1, augmentation: false } });
    expect(out.history.at(-1)!.accuracy).toBeGreaterThan(0.9);
    expect(out.history.at(-1)!.valAccuracy).toBeGreaterThan(0.9);
    const report = await evaluate(out.model, valSet);
    expect(report.accuracy).toBeCloseTo(out.history.at(-1)!.valAccuracy, 12);
    expect(report.loss).toBeCloseTo(out.history.at(-1)!.valLoss, 5);
    expect(report.confusionMatrix.flat().reduce((x, y) => x + y, 0)).toBe(32);
    out.model.dispose();
  });

});
