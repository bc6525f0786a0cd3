import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { ADAM_UPDATE } from '@fermx/kernels';
import { kernelsRunBy, randomValues, relativeError, wasmWithFermxKernels } from '@fermx/kernels/testing';
import { AdamOptimizer, KERAS_ADAM } from './adam.js';

// Sizes on and off the 4-float SIMD path (tails of 1–3), a scalar, and one larger tensor.
const shapes = [[3], [5, 7], [4, 4, 3, 2], [1], [], [130, 9]];

/** Trains `shapes`-sized variables for `steps` Adam steps on fixed random gradients; returns w, m, v. */
function run(fused: boolean, steps: number, hold?: (adam: AdamOptimizer) => tf.Tensor[]): { state: Float32Array[]; kernels: string[][]; held: tf.Tensor[] } {
  const variables = tf.tidy(() => shapes.map((shape, i) => tf.variable(tf.tensor(randomValues(shape, 100 + i).data, shape))));
  const adam = new AdamOptimizer({ learningRate: 0.01, ...KERAS_ADAM }, variables, { fused });
  const held = hold?.(adam) ?? [];
  const kernels: string[][] = [];
  for (let s = 0; s < steps; s++) {
    const grads = shapes.map((shape, i) => tf.tensor(randomValues(shape, 1000 * s + i).data, shape));
    kernels.push(kernelsRunBy(() => adam.apply(grads)));
    tf.dispose(grads);
  }
  const state = [...variables, ...adam.m, ...adam.v].map((t) => t.dataSync() as Float32Array);
  adam.dispose();
  tf.dispose(variables);
  return { state, kernels, held };
}

describe(`${ADAM_UPDATE} (fused Adam on wasm)`, () => {
  it('updates weights and both moments as the composed tfjs ops do (< 1e-6 relative) in one kernel call per step', async () => {
    await wasmWithFermxKernels();
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    const fused = run(true, 5);
    const composed = run(false, 5);
    expect(tf.memory().numTensors).toBe(before);
    for (const names of fused.kernels) expect(names).toEqual([ADAM_UPDATE]);
    expect(composed.kernels[0]!.length).toBeGreaterThan(6 * shapes.length);
    fused.state.forEach((values, i) => expect(relativeError(values, composed.state[i]!)).toBeLessThan(1e-6));
    // Weights really moved (a no-op update would match a no-op reference too).
    expect(relativeError(fused.state[1]!, randomValues(shapes[1]!, 101).data)).toBeGreaterThan(1e-3);
  });

  it('leaves moments shared with another tensor alone: their variables take the composed path', async () => {
    await wasmWithFermxKernels();
    await tf.setBackend('wasm');
    const fused = run(true, 2, (adam) => [tf.clone(adam.m[2]!)]);
    const [snapshot] = fused.held;
    // The clone still holds zeros; the moment was replaced by new tensors instead of overwritten.
    expect(Array.from(snapshot!.dataSync()).every((value) => value === 0)).toBe(true);
    expect(fused.kernels[0]).toContain(ADAM_UPDATE);
    expect(fused.kernels[0]).toContain('Sqrt');
    const composed = run(false, 2);
    fused.state.forEach((values, i) => expect(relativeError(values, composed.state[i]!)).toBeLessThan(1e-6));
    tf.dispose(fused.held);
  });

  it('gives the next convolution the new weights (XNNPACK caches a packed copy of each filter)', async () => {
    await wasmWithFermxKernels();
    await tf.setBackend('wasm');
    const x = tf.tensor(randomValues([2, 6, 6, 3], 7).data, [2, 6, 6, 3]) as tf.Tensor4D;
    const filter = tf.tidy(() => tf.variable(tf.tensor(randomValues([3, 3, 3, 4], 8).data, [3, 3, 3, 4])));
    const adam = new AdamOptimizer({ learningRate: 0.1, ...KERAS_ADAM }, [filter]);
    tf.dispose(tf.conv2d(x, filter as tf.Tensor4D, 1, 'same'));
    const grad = tf.onesLike(filter);
    adam.apply([grad]);
    const seen = tf.conv2d(x, filter as tf.Tensor4D, 1, 'same');
    const fresh = tf.tidy(() => tf.conv2d(x, tf.tensor4d(filter.dataSync(), [3, 3, 3, 4]), 1, 'same'));
    expect(relativeError(seen.dataSync() as Float32Array, fresh.dataSync() as Float32Array)).toBe(0);
    tf.dispose([x, filter, grad, seen, fresh]);
    adam.dispose();
  });

  it('falls back to the composed update on backends without the kernel', async () => {
    await tf.setBackend('cpu');
    const cpu = run(true, 3);
    for (const names of cpu.kernels) expect(names).not.toContain(ADAM_UPDATE);
    await tf.setBackend('wasm');
    const wasm = run(true, 3);
    cpu.state.forEach((values, i) => expect(relativeError(wasm.state[i]!, values)).toBeLessThan(1e-6));
  });
});
