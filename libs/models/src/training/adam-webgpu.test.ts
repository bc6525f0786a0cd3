import * as tf from '@tensorflow/tfjs';
import { describeRequiring, webgpuRuntimeProblem } from '@fermx/testing';
import { expect, it } from 'vitest';
import { ADAM_UPDATE, registerFermxWebgpuKernels, restoreStockWebgpuKernels } from '@fermx/kernels';
import { activateWebgpu, kernelsRunBy, randomValues, relativeError } from '@fermx/kernels/testing';
import { AdamOptimizer, KERAS_ADAM } from './adam.js';

const runtime = webgpuRuntimeProblem();
const backend = runtime ? { problem: runtime } : await activateWebgpu();
const problem = 'problem' in backend ? backend.problem : undefined;

// One element, a scalar, odd sizes, one past a 64-thread workgroup, and 65,537 + 64·65,535 + 3
// elements: more than 65,535 workgroups, so the dispatch folds into y with a partial last row.
const shapes: number[][] = [[1], [], [3], [5, 7], [1000], [65, 1], [65537], [64 * 65535 + 3]];

/** Trains `shapes`-sized variables for `steps` Adam steps on fixed random gradients; returns w, m, v and the kernels each step ran. */
async function run(fused: boolean, steps: number): Promise<{ state: Float32Array[]; kernels: string[][] }> {
  const variables = tf.tidy(() => shapes.map((shape, i) => tf.variable(tf.tensor(randomValues(shape, 100 + i).data, shape))));
  const adam = new AdamOptimizer({ learningRate: 0.01, ...KERAS_ADAM }, variables, { fused });
  const kernels: string[][] = [];
  for (let s = 0; s < steps; s++) {
    const grads = shapes.map((shape, i) => tf.tensor(randomValues(shape, 1000 * s + i).data, shape));
    kernels.push(kernelsRunBy(() => adam.apply(grads)));
    tf.dispose(grads);
    // Reading the moments between steps (as a checkpoint does) caches them on the CPU; the next
    // in-place update must not leave that copy stale.
    await Promise.all([...adam.m, ...adam.v].map((t) => t.data()));
  }
  const state = await Promise.all([...variables, ...adam.m, ...adam.v].map(async (t) => (await t.data()) as Float32Array));
  adam.dispose();
  tf.dispose(variables);
  return { state, kernels };
}

describeRequiring(problem, `${ADAM_UPDATE} (fused Adam on webgpu)`, () => {
  it('updates weights and both moments as the composed ops on cpu do, in one kernel call per step, leaking nothing', async () => {
    await tf.setBackend('cpu');
    const reference = await run(false, 4);
    await tf.setBackend('webgpu');
    const before = tf.memory().numTensors;
    const fused = await run(true, 4);
    expect(tf.memory().numTensors).toBe(before);
    for (const names of fused.kernels) expect(names).toEqual([ADAM_UPDATE]);
    fused.state.forEach((values, i) => expect(relativeError(values, reference.state[i]!), `state ${i}`).toBeLessThan(1e-6));
    // Weights really moved (a no-op update would match a no-op reference too).
    expect(relativeError(fused.state[6]!, randomValues(shapes[6]!, 106).data)).toBeGreaterThan(1e-3);
  }, 120_000);

  it('runs one GPU dispatch per variable', async () => {
    await tf.setBackend('webgpu');
    const gpu = tf.backend() as unknown as { runWebGPUProgram: (...args: unknown[]) => unknown };
    const original = gpu.runWebGPUProgram;
    let dispatches = 0;
    gpu.runWebGPUProgram = (...args: unknown[]) => {
      dispatches++;
      return original.apply(gpu, args);
    };
    const variables = [tf.variable(tf.ones([3])), tf.variable(tf.ones([2, 5]))];
    const grads = variables.map((v) => tf.onesLike(v));
    const adam = new AdamOptimizer({ learningRate: 0.01, ...KERAS_ADAM }, variables);
    try {
      dispatches = 0;
      adam.apply(grads);
      expect(dispatches).toBe(variables.length);
    } finally {
      gpu.runWebGPUProgram = original;
      adam.dispose();
      tf.dispose([...variables, ...grads]);
    }
  });

  it('gives the next forward pass the new weights', async () => {
    await tf.setBackend('webgpu');
    const x = tf.tensor(randomValues([2, 6, 6, 3], 7).data, [2, 6, 6, 3]) as tf.Tensor4D;
    const filter = tf.variable(tf.tensor(randomValues([3, 3, 3, 4], 8).data, [3, 3, 3, 4]));
    const adam = new AdamOptimizer({ learningRate: 0.1, ...KERAS_ADAM }, [filter]);
    const lossOf = (): tf.Scalar => tf.conv2d(x, filter as tf.Tensor4D, 1, 'same').square().mean();
    const first = tf.variableGrads(lossOf, [filter]);
    adam.apply([first.grads[filter.name]!]);
    const seen = tf.conv2d(x, filter as tf.Tensor4D, 1, 'same');
    const weights = (await filter.data()) as Float32Array;
    const fresh = tf.tidy(() => tf.conv2d(x, tf.tensor4d(weights, [3, 3, 3, 4]), 1, 'same'));
    expect(relativeError((await seen.data()) as Float32Array, (await fresh.data()) as Float32Array)).toBe(0);
    // Descending the loss's own gradient lowers it.
    const after = tf.tidy(lossOf);
    expect((await after.data())[0]!).toBeLessThan((await first.value.data())[0]!);
    tf.dispose([x, filter, first.value, ...Object.values(first.grads), seen, fresh, after]);
    adam.dispose();
  });

  it('rejects moments that share their data and inputs that do not line up', async () => {
    await tf.setBackend('webgpu');
    const [w, m, v, g] = [tf.ones([4]), tf.zeros([4]), tf.zeros([4]), tf.ones([4])];
    const shared = tf.clone(m);
    const attrs = { count: 1, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, stepSize: 0.01 };
    expect(() => tf.engine().runKernel(ADAM_UPDATE, { w0: w!, m0: m!, v0: v!, g0: g! }, attrs)).toThrow(/m0 shares its data/);
    expect(() => tf.engine().runKernel(ADAM_UPDATE, { w0: w!, m0: tf.zeros([4]), v0: tf.zeros([4]), g0: tf.ones([5]) }, attrs)).toThrow(/g0 has shape \[5\]/);
    expect(() => tf.engine().runKernel(ADAM_UPDATE, { w0: w!, m0: tf.zeros([4]), v0: tf.zeros([4]) }, attrs)).toThrow(/missing input g0/);
    tf.dispose([w!, m!, v!, g!, shared]);
  });

  it('goes back to the composed update after restoreStockWebgpuKernels()', async () => {
    await tf.setBackend('webgpu');
    restoreStockWebgpuKernels();
    try {
      expect(tf.getKernel(ADAM_UPDATE, 'webgpu')).toBeUndefined();
    } finally {
      registerFermxWebgpuKernels();
    }
    expect(tf.getKernel(ADAM_UPDATE, 'webgpu')).toBeDefined();
  });
});
