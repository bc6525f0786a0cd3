import * as tf from '@tensorflow/tfjs';

/**
 * Test support shared by the wasm and webgpu kernel tests: the same computation on `cpu` (the
 * reference) and on the backend under test, compared by relative error.
 */
export type Computation = (inputs: tf.Tensor[]) => tf.Tensor[];
export interface Values {
  data: Float32Array;
  shape: number[];
}

/** Runs `compute` on one backend and reads its outputs back (asynchronously: webgpu in Node has no dataSync). */
export async function onBackend(backend: string, values: Values[], compute: Computation): Promise<Float32Array[]> {
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') failed`);
  const outputs = tf.tidy(() => compute(values.map((v) => tf.tensor(v.data, v.shape))));
  const data = await Promise.all(outputs.map((t) => t.data() as Promise<Float32Array>));
  tf.dispose(outputs);
  return data;
}

/** mulberry32: a small deterministic PRNG for test inputs; floats in [0, 1), fresh per seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Deterministic pseudo-random values in [-1, 1), fresh per seed. */
export function randomValues(shape: number[], seed: number): Values {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  const random = seededRandom(seed);
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

/** Runs `compute` on cpu and on `backend`; the worst relative error over its outputs. Leaves `backend` active. */
export async function worstErrorOn(backend: string, values: Values[], compute: Computation): Promise<number> {
  const expected = await onBackend('cpu', values, compute);
  const actual = await onBackend(backend, values, compute);
  return Math.max(...expected.map((e, i) => relativeError(actual[i] ?? new Float32Array(), e)));
}

/** The names of the kernels `run` dispatches through the engine, in order. */
export function kernelsRunBy(run: () => void): string[] {
  const names: string[] = [];
  const engine = tf.engine();
  const originalRunKernel = engine.runKernel.bind(engine);
  engine.runKernel = ((name: string, ...rest: unknown[]) => {
    names.push(name);
    return (originalRunKernel as (...args: unknown[]) => unknown)(name, ...rest);
  }) as typeof originalRunKernel;
  try {
    run();
  } finally {
    engine.runKernel = originalRunKernel;
  }
  return names;
}
