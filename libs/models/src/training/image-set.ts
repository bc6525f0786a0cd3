import * as tf from '@tensorflow/tfjs';
import { INPUT_SIZE } from '../architectures/model-config.js';

/** Greyscale 48×48 images as stored in shards: one byte per pixel, 0..255, row-major. */
export interface ImageSet {
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  classes: string[];
  /**
   * Soft targets (count × classes, each row a distribution), e.g. the FER+ vote shares of the
   * classes; when present, training fits them instead of the one-hot labels.
   */
  targets?: Float32Array;
}

export const PIXELS_PER_IMAGE = INPUT_SIZE * INPUT_SIZE;

/** Throws a message naming the set and field when an ImageSet is inconsistent. */
export function validateImageSet(set: ImageSet, name: string): void {
  if (!Number.isInteger(set.count) || set.count < 0) throw new Error(`${name}.count must be a non-negative integer, got ${set.count}`);
  if (set.images.length !== set.count * PIXELS_PER_IMAGE) {
    throw new Error(`${name}.images has ${set.images.length} bytes, expected count*48*48 = ${set.count * PIXELS_PER_IMAGE}`);
  }
  if (set.labels.length !== set.count) throw new Error(`${name}.labels has ${set.labels.length} entries, expected count = ${set.count}`);
  if (set.targets && set.targets.length !== set.count * set.classes.length) {
    throw new Error(`${name}.targets has ${set.targets.length} values, expected count*classes = ${set.count * set.classes.length}`);
  }
  if (set.classes.length < 2) throw new Error(`${name}.classes must name at least 2 classes, got ${set.classes.length}`);
  for (let i = 0; i < set.count; i++) {
    if (set.labels[i]! >= set.classes.length) {
      throw new Error(`${name}.labels[${i}] = ${set.labels[i]} is out of range for ${set.classes.length} classes`);
    }
  }
}

/**
 * Pixels of the given images as a [n,48,48,1] float tensor in 0..1. Only one batch is ever
 * converted to float, so a set is never held twice in memory.
 */
export function imageBatch(set: ImageSet, indices: ArrayLike<number>): tf.Tensor4D {
  const pixels = new Float32Array(indices.length * PIXELS_PER_IMAGE);
  for (let b = 0; b < indices.length; b++) {
    const start = indices[b]! * PIXELS_PER_IMAGE;
    const source = set.images.subarray(start, start + PIXELS_PER_IMAGE);
    const offset = b * PIXELS_PER_IMAGE;
    for (let p = 0; p < PIXELS_PER_IMAGE; p++) pixels[offset + p] = source[p]! / 255;
  }
  return tf.tensor4d(pixels, [indices.length, INPUT_SIZE, INPUT_SIZE, 1]);
}

/**
 * Training targets [n, classes]: the set's soft targets where it has them, else one-hot labels;
 * with label smoothing ε, (1−ε)·y + ε/classes.
 */
export function labelBatch(set: ImageSet, indices: ArrayLike<number>, labelSmoothing = 0): tf.Tensor2D {
  const classes = set.classes.length;
  const out = new Float32Array(indices.length * classes);
  for (let b = 0; b < indices.length; b++) {
    const i = indices[b]!;
    if (set.targets) out.set(set.targets.subarray(i * classes, (i + 1) * classes), b * classes);
    else out[b * classes + set.labels[i]!] = 1;
  }
  if (labelSmoothing > 0) for (let k = 0; k < out.length; k++) out[k] = out[k]! * (1 - labelSmoothing) + labelSmoothing / classes;
  return tf.tensor2d(out, [indices.length, classes]);
}

/** Consecutive index ranges [start, end) of at most `batchSize`. */
export function* batchRanges(count: number, batchSize: number): Generator<[number, number]> {
  for (let start = 0; start < count; start += batchSize) yield [start, Math.min(count, start + batchSize)];
}

export function range(start: number, end: number): Uint32Array {
  const out = new Uint32Array(end - start);
  for (let i = 0; i < out.length; i++) out[i] = start + i;
  return out;
}
