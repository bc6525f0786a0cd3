import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { describe, expect, it } from 'vitest';
import { wasmWithFermxKernels } from '../testing/wasm-reference.js';

describe('Identity on wasm', () => {
  it('shares the data (no copy) and keeps it alive until the last reference is gone', async () => {
    await wasmWithFermxKernels();
    await tf.setBackend('wasm');
    const backend = tf.backend() as BackendWasm;
    const x = tf.tensor([1, 2, 3, 4, 5]);
    const copy = tf.clone(x);
    expect(copy.dataId).toBe(x.dataId);
    expect(backend.refCount(x.dataId)).toBe(2);
    x.dispose();
    expect(Array.from(copy.dataSync())).toEqual([1, 2, 3, 4, 5]);
    copy.dispose();
    expect(backend.refCount(x.dataId)).toBe(0);
  });

  it('does not leak the tensors the engine keeps for gradients', async () => {
    await wasmWithFermxKernels();
    await tf.setBackend('wasm');
    const w = tf.variable(tf.tensor([0.5, -1, 2]));
    const before = tf.memory();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.relu(w), w)), [w]);
    expect(Array.from(grads[w.name]!.dataSync())).toEqual([1, 0, 4]);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numBytes).toBe(before.numBytes);
    w.dispose();
  });
});

describe('Cast on wasm', () => {
  it('shares the data when the dtype does not change, and still converts otherwise', async () => {
    await wasmWithFermxKernels();
    await tf.setBackend('wasm');
    const x = tf.tensor([1.5, -2.7, 0, 3]);
    const same = tf.cast(x, 'float32');
    expect(same.dataId).toBe(x.dataId);
    const ints = tf.cast(x, 'int32');
    expect(ints.dataId).not.toBe(x.dataId);
    expect(Array.from(ints.dataSync())).toEqual([1, -2, 0, 3]);
    tf.dispose([x, same, ints]);
  });
});
