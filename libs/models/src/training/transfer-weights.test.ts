import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../architectures/build-model.js';
import type { ModelConfig } from '../architectures/model-config.js';
import { PAPER_AUGMENTATION } from './augmentation.js';
import { syntheticImageSet } from './synthetic-set.js';
import { train } from './train.js';
import type { TrainOptions } from './train-options.js';
import { transferWeights, type WeightTransfer } from './transfer-weights.js';

const pretrained: ModelConfig = { architecture: 'mxception', numClasses: 7, middleFlowRepeats: 1, width: 0.25 };
const target: ModelConfig = { ...pretrained, numClasses: 4 };
const valuesOf = (m: tf.LayersModel) => m.weights.map((w) => Array.from(w.read().dataSync()));

describe('transferWeights', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('copies every weight but a classifier of another class count, which keeps its initial values', () => {
    const source = buildModel(pretrained, { seed: 1 });
    const model = buildModel(target, { seed: 2 });
    const before = valuesOf(model);
    const transfer = transferWeights(source, model);
    const after = valuesOf(model);
    const from = valuesOf(source);
    expect(transfer.copied).toBeGreaterThan(10);
    expect(transfer.copied + transfer.fresh.length).toBe(model.weights.length);
    // The fresh weights are the classifier's (their last axis is the class count) and are untouched.
    expect(transfer.fresh.length).toBeGreaterThan(0);
    model.weights.forEach((w, i) => {
      if (transfer.fresh.includes(w.name)) {
        expect(w.shape.at(-1)).toBe(4);
        expect(after[i]).toEqual(before[i]);
      } else expect(after[i]).toEqual(from[i]);
    });
    source.dispose();
    model.dispose();
  });

  it('copies everything when the class count is the same', () => {
    const source = buildModel(target, { seed: 1 });
    const model = buildModel(target, { seed: 2 });
    expect(transferWeights(source, model)).toEqual({ copied: model.weights.length, fresh: [] });
    expect(valuesOf(model)).toEqual(valuesOf(source));
    source.dispose();
    model.dispose();
  });

  it('refuses another architecture, naming the weight that differs', () => {
    const model = buildModel(target, { seed: 2 });
    const deeper = buildModel({ ...target, middleFlowRepeats: 2 }, { seed: 1 });
    expect(() => transferWeights(deeper, model)).toThrow(/weight tensors .*not the same architecture/);
    const wider = buildModel({ ...target, width: 0.5 }, { seed: 1 });
    expect(() => transferWeights(wider, model)).toThrow(/weight \S+ is \[.+\] here and \[.+\] in the pretrained model: only the classifier/);
    for (const m of [model, deeper, wider]) m.dispose();
  });
});

describe('train from pretrained weights (initFrom)', () => {
  const classes = ['neutral', 'sad', 'surprise', 'angry'];
  const trainSet = syntheticImageSet(16, classes, 1);
  const valSet = syntheticImageSet(8, classes, 2);
  const cnn: ModelConfig = { architecture: 'cnn', numClasses: 4, width: 0.125 };
  const options: TrainOptions = { epochs: 2, batchSize: 8, learningRate: 0.01, seed: 7, augmentation: PAPER_AUGMENTATION, ema: 0.9, initFrom: 'file:///pretrained' };

  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('starts from the pretrained weights, and a resume takes them from the checkpoint', async () => {
    const source = buildModel({ ...cnn, numClasses: 7 }, { seed: 99 });
    const transfers: WeightTransfer[] = [];
    const straight = await train({ model: cnn, train: trainSet, val: valSet, options, initialModel: source, onInitialized: (t) => transfers.push(t) });
    expect(transfers).toHaveLength(1);
    expect(transfers[0]!.fresh.length).toBeGreaterThan(0);
    // Not what the seed alone gives: the pretrained start changes the run.
    const scratch = await train({ model: cnn, train: trainSet, val: valSet, options: { ...options, initFrom: undefined } });
    expect(straight.history.map((h) => h.loss)).not.toEqual(scratch.history.map((h) => h.loss));

    // No onInitialized here: the weights go in whether or not anyone listens.
    const first = await train({ model: cnn, train: trainSet, val: valSet, options: { ...options, epochs: 1 }, initialModel: source });
    const resumed = await train({ model: cnn, train: trainSet, val: valSet, options, initialModel: source, resumeFrom: first.checkpoint, onInitialized: (t) => transfers.push(t) });
    expect(transfers).toHaveLength(1);
    expect(resumed.history.map((h) => h.loss)).toEqual(straight.history.map((h) => h.loss));
    expect(valuesOf(resumed.model)).toEqual(valuesOf(straight.model));
    // The worker resumes without loading the pretrained model again: the checkpoint is enough.
    const resumedAlone = await train({ model: cnn, train: trainSet, val: valSet, options, resumeFrom: first.checkpoint });
    expect(resumedAlone.history.map((h) => h.loss)).toEqual(straight.history.map((h) => h.loss));
    expect(valuesOf(resumedAlone.model)).toEqual(valuesOf(straight.model));
    source.dispose();
    for (const run of [straight, scratch, first, resumed, resumedAlone]) {
      run.model.dispose();
      run.best?.model.dispose();
    }
  });

  it('needs the loaded model exactly when initFrom names one', async () => {
    await expect(train({ model: cnn, train: trainSet, val: valSet, options })).rejects.toThrow(/initFrom \(file:\/\/\/pretrained\) needs the loaded model as initialModel \(or a checkpoint to resume from\)/);
    const source = buildModel(cnn, { seed: 1 });
    await expect(train({ model: cnn, train: trainSet, val: valSet, options: { ...options, initFrom: undefined }, initialModel: source })).rejects.toThrow(
      /initialModel is given but training option initFrom does not name it/,
    );
    source.dispose();
  });
});
