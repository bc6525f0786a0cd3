import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../architectures/model-config.js';
import { initBackend } from '@fermx/kernels';
import { PAPER_AUGMENTATION, augmentationTransforms } from '../augmentation.js';
import { createRandom } from '../random.js';
import { syntheticImageSet } from '../synthetic-set.js';
import { dropoutSeedFor, shardRanges } from '../train-step.js';
import { buildTrainingModel } from '../training-model.js';
import { ReplicaGroup, liveReplicaThreads } from './replica-group.js';

const classes = ['neutral', 'sad', 'surprise', 'angry'];
const mxception: ModelConfig = { architecture: 'mxception', numClasses: 4, width: 0.25, dropout: 0.2 };

describe('replica threads on wasm (fermx kernels in every thread)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterAll(() => {
    expect(liveReplicaThreads()).toBe(0);
  });

  it('M-Xception replicas stay bit-identical over steps with augmentation and dropout', async () => {
    const set = syntheticImageSet(24, classes, 3);
    const local = buildTrainingModel(mxception, 11, 0.005);
    const group = await ReplicaGroup.start({ replicas: 2, backend: 'wasm', model: mxception, seed: 11, recipe: { learningRate: 0.005 }, set, local });
    try {
      const trainable = local.model.weights.map((w) => w.trainable);
      const initial = await group.weightsOf(0);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        const indices = Uint32Array.from({ length: 8 }, (_, i) => step * 8 + i);
        const transforms = augmentationTransforms(8, PAPER_AUGMENTATION, createRandom(step));
        const plans = shardRanges(8, 2).map(([from, to], replica) => ({
          indices: indices.slice(from, to), transforms: transforms.slice(from * 8, to * 8), dropoutSeed: dropoutSeedFor(11, 1, step, replica), lossScale: (to - from) / 8,
        }));
        losses.push((await group.step(plans, 0.005)).loss);
      }
      expect(losses.every(Number.isFinite)).toBe(true);
      const [a, b] = [await group.weightsOf(0), await group.weightsOf(1)];
      expect(a.some((w, i) => trainable[i] && w.some((v, j) => v !== initial[i]![j]))).toBe(true);
      expect(b.filter((_, i) => trainable[i])).toEqual(a.filter((_, i) => trainable[i]));
      await group.syncStatistics();
      expect(await group.weightsOf(1)).toEqual(await group.weightsOf(0));
    } finally {
      await group.close();
      local.optimizer.dispose();
      local.model.dispose();
    }
  });
});
