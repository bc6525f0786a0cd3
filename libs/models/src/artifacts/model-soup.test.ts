import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { linearSoftmaxModel } from '../testing/index.js';
import type { ModelMetadata } from './model-artifacts.js';
import { soupMetadata, soupWeights, SoupMismatchError, type SoupMember } from './model-soup.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const classes = ['neutral', 'sad', 'surprise', 'angry'];
const metadata = (extra: Partial<ModelMetadata> = {}): ModelMetadata => ({
  config: { architecture: 'cnn', numClasses: 4 },
  classes,
  training: { epochs: 30, batchSize: 32, learningRate: 0.001, seed: 1, augmentation: false, tta: 'flip-shift' },
  classMix: { train: { neutral: 3, sad: 2, surprise: 2, angry: 1 } },
  metrics: { valAccuracy: 0.9, dataset: { uri: 'file:///d', version: 'v1' } },
  ...extra,
});
const member = (reference: string, seed: number, extra: Partial<ModelMetadata> = {}): SoupMember => ({ reference, model: linearSoftmaxModel(4, seed), metadata: metadata(extra) });

describe('a uniform model soup', () => {
  it('is the element-wise mean of every weight of its members', () => {
    const members = [member('a', 1), member('b', 2), member('c', 3)];
    const soup = soupWeights(members);
    expect(soup).toHaveLength(members[0]!.model.getWeights().length);
    soup.forEach((weight, i) => {
      const values = members.map((m) => m.model.getWeights()[i]!.dataSync());
      const got = weight.dataSync();
      for (let k = 0; k < got.length; k += 97) expect(got[k]).toBeCloseTo((values[0]![k]! + values[1]![k]! + values[2]![k]!) / 3, 6);
    });
    tf.dispose(soup);
  });

  it('refuses fewer than two members, other classes, another config or other weight shapes, naming the member', () => {
    expect(() => soupWeights([member('a', 1)])).toThrow(new SoupMismatchError('a soup needs at least two models, got 1'));
    expect(() => soupWeights([member('a', 1), member('b', 2, { classes: ['sad', 'neutral', 'surprise', 'angry'] })])).toThrow(
      "b: it predicts sad, neutral, surprise, angry; a predicts neutral, sad, surprise, angry",
    );
    expect(() => soupWeights([member('a', 1), member('b', 2, { config: { architecture: 'cnn', numClasses: 4, width: 0.5 } })])).toThrow(/^b: its config/);
    const wider: SoupMember = { reference: 'w', model: linearSoftmaxModel(5, 2), metadata: metadata() };
    expect(() => soupWeights([member('a', 1), wider])).toThrow("w: its weight 0 has shape [2304, 5]; a's has [2304, 4]");
  });

  it("records its members, the first member's recipe and views, and only what every member shares", () => {
    const soup = soupMetadata([member('t-1', 1), member('t-2', 2, { classMix: { train: { neutral: 1, sad: 1, surprise: 1, angry: 1 } } })]);
    expect(soup.soup).toEqual({ members: ['t-1', 't-2'] });
    expect(soup.evaluation).toEqual({ tta: 'flip-shift', note: 'A uniform soup (the mean of the weights) of 2 models: t-1, t-2.' });
    expect(soup.training?.seed).toBe(1);
    expect(soup.classMix).toBeUndefined();
    expect(soup.metrics).toEqual({ model: 'soup', dataset: { uri: 'file:///d', version: 'v1' } });
    expect(() => soupMetadata([member('t-1', 1), member('t-2', 2, { evaluation: { tta: 'none' } })])).toThrow('t-2: it is read with none; t-1 with flip-shift');
    const unknown = member('t-3', 3, { evaluation: { tta: 'five-crop' as 'none' } });
    expect(() => soupMetadata([member('t-1', 1), unknown])).toThrow(new SoupMismatchError('t-3: metadata.json evaluation.tta is "five-crop"; fermx reads none, flip, flip-shift'));
  });
});
