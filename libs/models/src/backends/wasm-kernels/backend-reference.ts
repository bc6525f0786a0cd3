import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerFermxWasmKernels } from './index.js';
import { createRandom } from '../../training/random.js';

/** Test support: runs the same computation on `cpu` (the reference) and on `wasm` with fermx kernels. */
export type Computation = (inputs: tf.Tensor[]) => tf.Tensor[];

let ready: Promise<void> | undefined;
export function wasmWithFermxKernels(): Promise<void> {
  ready ??= (async () => {
    await tf.setBackend('wasm');
    registerFermxWasmKernels();
  })();
  return ready;
}

export async function onBackend(backend: 'cpu' | 'wasm', values: { data: Float32Array; shape: number[] }[], compute: Computation): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => compute(values.map((v) => tf.tensor(v.data, v.shape)))).map((t) => {
    const data = t.dataSync() as Float32Array;
    t.dispose();
    return data;
  });
}

/** Deterministic pseudo-random values in [-1, 1) (mulberry32), fresh per seed. */
export function randomValues(shape: number[], seed: number): { data: Float32Array; shape: number[] } {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const random = createRandom(seed);
  for (let i = 0; i < data.length; i++) data[i] = random() * 2 - 1;
  return { data, shape };
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const b = expected[i] as number;
    if (Number.isNaN(a) !== Number.isNaN(b)) return Infinity;
    diff = Math.max(diff, Math.abs(a - b));
    scale = Math.max(scale, Math.abs(b));
  }
  return scale === 0 ? diff : diff / scale;
}

/** Runs `compute` on both backends and returns the worst relative error over its outputs. */
export async function worstErrorAgainstCpu(values: { data: Float32Array; shape: number[] }[], compute: Computation): Promise<number> {
  await wasmWithFermxKernels();
  const expected = await onBackend('cpu', values, compute);
  const actual = await onBackend('wasm', values, compute);
  return Math.max(...expected.map((e, i) => relativeError(actual[i] ?? new Float32Array(), e)));
}
