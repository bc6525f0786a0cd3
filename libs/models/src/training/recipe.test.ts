import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../architectures/model-config.js';
import { scoreSet } from '../metrics/evaluate.js';
import { AdamOptimizer, KERAS_ADAM } from './adam.js';
import { PAPER_AUGMENTATION } from './augmentation.js';
import { SgdOptimizer } from './sgd.js';
import { syntheticImageSet } from './synthetic-set.js';
import { train } from './train.js';
import type { TrainOptions } from './train-options.js';

const classes = ['neutral', 'sad', 'surprise', 'angry'];
const plainTrain = syntheticImageSet(16, classes, 1);
// Soft targets: most mass on the label, the rest spread, as FER+ votes look.
const targets = new Float32Array(plainTrain.count * 4).map((_, k) => (plainTrain.labels[Math.floor(k / 4)] === k % 4 ? 0.7 : 0.1));
const trainSet = { ...plainTrain, targets };
const valSet = syntheticImageSet(8, classes, 2);
const model: ModelConfig = { architecture: 'cnn', numClasses: 4, width: 0.125, dropout: 0.3 };
const base: TrainOptions = { epochs: 3, batchSize: 8, learningRate: 0.02, seed: 7, augmentation: PAPER_AUGMENTATION };
const recipes: Record<string, TrainOptions> = {
  'SGD-Nesterov, cosine with warm-up, EMA, smoothing, soft targets, flip TTA': {
    ...base, optimizer: 'sgd', momentum: 0.9, weightDecay: 1e-4, schedule: 'cosine', warmupEpochs: 1, minLearningRate: 0.001, ema: 0.9, labelSmoothing: 0.1, targets: 'ferplus-votes', tta: 'flip',
  },
  'AdamW, reduce-on-plateau, best epoch by val loss': { ...base, learningRate: 0.01, optimizer: 'adamw', weightDecay: 0.05, schedule: 'plateau', plateauPatience: 1, plateauFactor: 0.5, bestEpochBy: 'val_loss' },
};

const weightsOf = (m: tf.LayersModel): Float32Array[] => m.weights.map((w) => w.read().dataSync() as Float32Array);
function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  let max = 0;
  a.forEach((values, i) => values.forEach((v, j) => (max = Math.max(max, Math.abs(v - b[i]![j]!)))));
  return max;
}

describe('training recipes (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  for (const [name, options] of Object.entries(recipes)) {
    it(`${name}: resumes exactly, and keeps the best epoch's model beside the last`, async () => {
      const straight = await train({ model, train: trainSet, val: valSet, options });
      const first = await train({ model, train: trainSet, val: valSet, options: { ...options, epochs: 1 } });
      first.model.dispose();
      first.best?.model.dispose();
      const resumed = await train({ model, train: trainSet, val: valSet, options, resumeFrom: first.checkpoint });
      expect(resumed.history.map((h) => [h.loss, h.valLoss, h.valAccuracy, h.learningRate])).toEqual(straight.history.map((h) => [h.loss, h.valLoss, h.valAccuracy, h.learningRate]));
      expect(maxDifference(weightsOf(straight.model), weightsOf(resumed.model))).toBe(0);
      expect(resumed.best!.epoch).toEqual(straight.best!.epoch);
      expect(maxDifference(weightsOf(straight.best!.model), weightsOf(resumed.best!.model))).toBe(0);

      // The best epoch is the one the rule picks from the history, and its model scores what that epoch scored.
      const by = options.bestEpochBy ?? 'val_accuracy';
      const pick = [...straight.history].sort((a, b) => (by === 'val_loss' ? a.valLoss - b.valLoss : b.valAccuracy - a.valAccuracy || a.valLoss - b.valLoss) || a.epoch - b.epoch)[0]!;
      expect(straight.best!.epoch.epoch).toBe(pick.epoch);
      const rescored = await scoreSet(straight.best!.model, valSet, { batchSize: options.batchSize, tta: options.tta ?? 'none' });
      expect(rescored.loss).toBeCloseTo(pick.valLoss, 5);
      // The schedule moved the rate (warm-up, cosine or plateau), so the recipe was applied.
      expect(new Set(straight.history.map((h) => h.learningRate)).size).toBeGreaterThan(1);
      for (const m of [straight.model, straight.best!.model, resumed.model, resumed.best!.model]) m.dispose();
    }, 600_000);
  }

  it('refuses to resume a checkpoint trained with another recipe, naming both', async () => {
    const first = await train({ model, train: trainSet, val: valSet, options: { ...base, epochs: 1, optimizer: 'sgd' } });
    first.model.dispose();
    first.best?.model.dispose();
    await expect(train({ model, train: trainSet, val: valSet, options: { ...base, optimizer: 'adamw' }, resumeFrom: first.checkpoint })).rejects.toThrow(
      /checkpoint was trained with recipe \{"optimizer":"sgd"\}, this run has \{"optimizer":"adamw"\}/,
    );
  });

  it('refuses soft targets on a set without them', async () => {
    await expect(train({ model, train: plainTrain, val: valSet, options: { ...base, targets: 'ferplus-votes' } })).rejects.toThrow(/targets=ferplus-votes needs soft targets/);
  });
});

describe('optimizer updates (cpu backend)', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('SGD with Nesterov momentum and L2 on kernels follows PyTorch\'s formula', () => {
    const kernel = tf.variable(tf.tensor2d([[1, -2]]), true);
    const bias = tf.variable(tf.tensor1d([0.5]), true);
    const sgd = new SgdOptimizer({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.01, decayed: new Set([0]) }, [kernel, bias]);
    const g = [tf.tensor2d([[0.2, 0.4]]), tf.tensor1d([1])];
    sgd.apply(g);
    sgd.apply(g);
    // By hand: g' = g + 0.01·w; b = 0.9·b + g'; w −= 0.1·(g' + 0.9·b), twice; the bias is not decayed.
    let w = [1, -2];
    let b = [0, 0];
    let wb = 0.5;
    let bb = 0;
    for (let step = 0; step < 2; step++) {
      const gp = [0.2 + 0.01 * w[0]!, 0.4 + 0.01 * w[1]!];
      b = [0.9 * b[0]! + gp[0]!, 0.9 * b[1]! + gp[1]!];
      w = [w[0]! - 0.1 * (gp[0]! + 0.9 * b[0]!), w[1]! - 0.1 * (gp[1]! + 0.9 * b[1]!)];
      bb = 0.9 * bb + 1;
      wb -= 0.1 * (1 + 0.9 * bb);
    }
    const got = Array.from(kernel.dataSync());
    expect(got[0]).toBeCloseTo(w[0]!, 6);
    expect(got[1]).toBeCloseTo(w[1]!, 6);
    expect(bias.dataSync()[0]).toBeCloseTo(wb, 6);
    expect(sgd.iteration).toBe(2);
    tf.dispose([kernel, bias, ...g]);
    sgd.dispose();
  });

  it('AdamW decays the weight by lr·decay before the Adam step; Adam with decay adds it to the gradient', () => {
    const run = (decoupled: boolean) => {
      const w = tf.variable(tf.tensor2d([[2]]), true);
      const adam = new AdamOptimizer({ learningRate: 0.1, ...KERAS_ADAM }, [w], { weightDecay: 0.5, decoupled, decayed: new Set([0]), fused: false });
      const g = tf.tensor2d([[0.3]]);
      adam.apply([g]);
      const out = w.dataSync()[0]!;
      tf.dispose([w, g]);
      adam.dispose();
      return out;
    };
    // First Adam step moves by lr·sign(g) (bias-corrected m/√v = ±1, up to ε).
    expect(run(true)).toBeCloseTo(2 * (1 - 0.1 * 0.5) - 0.1, 5);
    expect(run(false)).toBeCloseTo(2 - 0.1, 5);
  });
});
