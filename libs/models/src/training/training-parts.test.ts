import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { augmentationTransforms, augmentBatch, PAPER_AUGMENTATION } from './augmentation.js';
import { decodeCheckpoint, encodeCheckpoint } from './checkpoint.js';
import { initialEarlyStopping, updateEarlyStopping } from './early-stopping.js';
import { createRandom, deriveSeed, shuffledIndices } from './random.js';
import { imageBatch, labelBatch, validateImageSet } from './image-set.js';
import { syntheticImageSet } from './synthetic-set.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('seeded randomness', () => {
  it('derives distinct, stable streams per (seed, purpose, epoch)', () => {
    expect(deriveSeed(1, 'shuffle', 2)).toBe(deriveSeed(1, 'shuffle', 2));
    const seeds = new Set([deriveSeed(1, 'shuffle', 1), deriveSeed(1, 'shuffle', 2), deriveSeed(2, 'shuffle', 1), deriveSeed(1, 'augment', 1)]);
    expect(seeds.size).toBe(4);
    const order = shuffledIndices(100, createRandom(3));
    expect([...order].sort((a, b) => a - b)).toEqual([...Array(100).keys()]);
    expect([...order]).not.toEqual([...Array(100).keys()]);
    expect([...shuffledIndices(100, createRandom(3))]).toEqual([...order]);
  });
});

describe('augmentation', () => {
  it('identity settings leave the image unchanged; a flip mirrors it', () => {
    const set = syntheticImageSet(2, ['a', 'b']);
    const x = imageBatch(set, [0, 1]);
    const none = { rotation: 0, widthShift: 0, heightShift: 0, zoom: 0, horizontalFlip: false };
    const same = augmentBatch(x, augmentationTransforms(2, none, createRandom(1)));
    expect(tf.max(tf.abs(tf.sub(same, x))).dataSync()[0]).toBeLessThan(1e-6);
    const flipOnly = new Float32Array([-1, 0, 47, 0, 1, 0, 0, 0, -1, 0, 47, 0, 1, 0, 0, 0]);
    const flipped = augmentBatch(x, flipOnly);
    expect(tf.max(tf.abs(tf.sub(flipped, tf.reverse(x, 2)))).dataSync()[0]).toBeLessThan(1e-6);
  });

  it('draws transforms within the paper ranges, reproducibly', () => {
    const t = augmentationTransforms(200, PAPER_AUGMENTATION, createRandom(9));
    expect(augmentationTransforms(200, PAPER_AUGMENTATION, createRandom(9))).toEqual(t);
    let flips = 0;
    for (let i = 0; i < 200; i++) {
      const [a0, a1, , b0, b1] = t.subarray(i * 8, i * 8 + 8);
      const det = a0! * b1! - a1! * b0!;
      if (det < 0) flips += 1;
      // |det| = zx·zy ∈ [0.81, 1.21]
      expect(Math.abs(det)).toBeGreaterThan(0.8);
      expect(Math.abs(det)).toBeLessThan(1.22);
    }
    expect(flips).toBeGreaterThan(60);
    expect(flips).toBeLessThan(140);
  });
});

describe('image sets', () => {
  it('converts bytes to 0..1 per batch and one-hot labels', () => {
    const set = syntheticImageSet(3, ['a', 'b', 'c']);
    const x = imageBatch(set, [2]);
    expect(x.shape).toEqual([1, 48, 48, 1]);
    expect(x.dataSync()[0]).toBeCloseTo(set.images[2 * 2304]! / 255, 6);
    expect(Array.from(labelBatch(set, [2, 0]).dataSync())).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it('validation names the field', () => {
    const set = syntheticImageSet(3, ['a', 'b', 'c']);
    expect(() => validateImageSet({ ...set, images: set.images.subarray(1) }, 'val')).toThrow(/val.images has 6911 bytes/);
    expect(() => validateImageSet({ ...set, labels: Uint8Array.from([0, 1, 7]) }, 'val')).toThrow(/val.labels\[2\] = 7/);
  });
});

describe('checkpoint codec', () => {
  it('round-trips header and float32 payloads exactly', () => {
    const payloads = [Float32Array.from([1.5, -2.25, Math.PI]), Float32Array.from([1e-30, 3.4e38])];
    const header = { tensors: [{ role: 'weight' as const, name: 'a', shape: [3] }, { role: 'adam-m' as const, name: 'b', shape: [1, 2] }], epoch: 4, note: 'ü' };
    const bytes = encodeCheckpoint({ header, payloads });
    const back = decodeCheckpoint(bytes);
    expect(back.header).toEqual(header);
    expect(back.payloads).toEqual(payloads);
    expect(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 4))).toThrow(/truncated/);
    expect(() => decodeCheckpoint(new TextEncoder().encode('PK\u0003\u0004 not a checkpoint'))).toThrow(/not a fermx checkpoint/);
    expect(() => encodeCheckpoint({ header, payloads: [payloads[0]!] })).toThrow(/lists 2 tensors/);
  });
});

describe('early stopping', () => {
  it('stops after `patience` epochs without a val-loss improvement larger than minDelta', () => {
    let state = initialEarlyStopping();
    const losses = [1.0, 0.8, 0.79, 0.81, 0.85];
    const stops = losses.map((loss, i) => {
      const r = updateEarlyStopping(state, { patience: 3, minDelta: 0.05 }, i + 1, loss);
      state = r.state;
      return r.stop;
    });
    expect(stops).toEqual([false, false, false, false, true]);
    expect(state).toMatchObject({ bestValLoss: 0.8, bestEpoch: 2 });
  });
});
