/**
 * `npx tsx bench/webgpu-batch-norm.ts [--batch 8] [--repeats 2] [--shapes stem,...] [--no-step] [--step-repeats 1] [--json]`
 *
 * Training-mode batch norm on the webgpu backend, forward and backward, on M-Xception's layer
 * shapes: fermx's fused kernels (FermxBatchNormMoments + FusedBatchNorm, FermxBatchNormTrainingGrad)
 * against the composition tfjs-layers runs (tf.moments + FusedBatchNorm, autodiff through both),
 * timed alternately in one process, with the ratio and the GPU dispatches each takes. Then one
 * M-Xception training step (the training loop's own step) three ways: `stock` (flag
 * FERMX_FUSED_BATCH_NORM off: tfjs-layers' BatchNormalization), `composed` (the fused layer with
 * fermx's webgpu kernels unregistered: its composed reference) and `fermx` (the kernels): kernels
 * (tf.profile), dispatches and time per step. On a machine
 * without a GPU the adapter is SwiftShader on the CPU: times are indicative only; dispatch and
 * kernel counts are what a GPU would run.
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { buildTrainingModel, initBackend, localTrainingStep } from '@fermx/models';
import { syntheticImageSet } from '@fermx/models/testing';

const { values: flags } = parseArgs({
  options: {
    batch: { type: 'string', default: '8' },
    repeats: { type: 'string', default: '2' },
    shapes: { type: 'string' },
    'no-step': { type: 'boolean', default: false },
    // Timed steps per variant after the warm-up (a software adapter takes tens of seconds a step).
    'step-repeats': { type: 'string', default: '1' },
    json: { type: 'boolean', default: false },
  },
});

const batch = Number(flags.batch);
const repeats = Number(flags.repeats);
const stepRepeats = Number(flags['step-repeats']);
if ([batch, repeats, stepRepeats].some((n) => !Number.isInteger(n) || n < 1)) throw new Error('--batch, --repeats and --step-repeats take positive integers');

// The contract's kernel names (libs/kernels/src/batch-norm-kernels.ts).
const FUSED_KERNELS = ['FermxBatchNormMoments', 'FermxBatchNormTrainingGrad'];
const epsilon = 1e-3;

// M-Xception's batch-norm inputs on 48×48 images: stem 16, blocks 32/64, middle 64, exit 128.
const cases: { name: string; shape: (n: number) => number[] }[] = [
  { name: 'stem 48×48×16', shape: (n) => [n, 48, 48, 16] },
  { name: 'block 24×24×32', shape: (n) => [n, 24, 24, 32] },
  { name: 'block 24×24×64', shape: (n) => [n, 24, 24, 64] },
  { name: 'middle 12×12×64', shape: (n) => [n, 12, 12, 64] },
  { name: 'exit 6×6×128', shape: (n) => [n, 6, 6, 128] },
];
const wanted = flags.shapes?.split(',');
const selected = wanted ? cases.filter((c) => wanted.some((w) => c.name.startsWith(w))) : cases;
if (!selected.length) throw new Error(`--shapes matched none of: ${cases.map((c) => c.name).join('; ')}`);

const info = await initBackend('webgpu');
const fused = FUSED_KERNELS.map((name) => {
  const config = tf.getKernel(name, 'webgpu');
  if (!config) throw new Error(`${name} is not registered on webgpu: registerFermxWebgpuKernels() (called by initBackend) should have registered it`);
  return config;
});
function useFusedKernels(on: boolean): void {
  for (const config of fused) {
    if (tf.getKernel(config.kernelName, 'webgpu')) tf.unregisterKernel(config.kernelName, 'webgpu');
    if (on) tf.registerKernel(config);
  }
}

/** GPU dispatches: every WebGPU program the backend runs is one compute dispatch. */
const webgpu = tf.backend() as unknown as { runWebGPUProgram: (...args: unknown[]) => unknown };
let dispatches = 0;
const runProgram = webgpu.runWebGPUProgram.bind(webgpu);
webgpu.runWebGPUProgram = (...args: unknown[]) => {
  dispatches++;
  return runProgram(...args);
};

/** Forward and backward of one batch-norm layer, as tfjs-layers composes it. */
function composedLayer(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, dy: tf.Tensor): tf.Tensor[] {
  return tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    return tf.batchNorm(a, mean, variance, b, g, epsilon).mul(dy).sum();
  })([x, gamma, beta]);
}

/** The same with fermx's kernels: moments kernel + FusedBatchNorm forward, one gradient kernel backward. */
function fusedLayer(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, dy: tf.Tensor): tf.Tensor[] {
  const [mean, variance] = tf.engine().runKernel(FUSED_KERNELS[0]!, { x }, {}) as unknown as tf.Tensor[];
  const y = tf.batchNorm(x, mean!, variance!, beta, gamma, epsilon);
  const [dx, dScale, dOffset] = tf
    .engine()
    .runKernel(FUSED_KERNELS[1]!, { x, mean: mean!, variance: variance!, scale: gamma, dy }, { varianceEpsilon: epsilon }) as unknown as tf.Tensor[];
  return [y, dx!, dScale!, dOffset!];
}

type Layer = typeof composedLayer;

/** Milliseconds (best of `repeats`, after a warm-up) and dispatches for one forward+backward, read back. */
async function time(layer: Layer, inputs: tf.Tensor[]): Promise<{ ms: number; dispatches: number }> {
  let best = Infinity;
  let count = 0;
  for (let i = 0; i <= repeats; i++) {
    const before = dispatches;
    const start = performance.now();
    const outputs = tf.tidy(() => layer(inputs[0]!, inputs[1]!, inputs[2]!, inputs[3]!));
    await Promise.all(outputs.map((t) => t.data()));
    if (i > 0) best = Math.min(best, performance.now() - start);
    count = dispatches - before;
    tf.dispose(outputs);
  }
  return { ms: best, dispatches: count };
}

const layers = [];
for (const c of selected) {
  const shape = c.shape(batch);
  const channels = shape[3]!;
  const inputs = [
    tf.randomNormal(shape, 0.5, 2, 'float32', 1),
    tf.randomUniform([channels], 0.5, 1.5, 'float32', 2),
    tf.randomNormal([channels], 0, 1, 'float32', 3),
    tf.randomNormal(shape, 0, 1, 'float32', 4),
  ];
  const composed = await time(composedLayer, inputs);
  const fermx = await time(fusedLayer, inputs);
  tf.dispose(inputs);
  layers.push({ name: c.name, shape, composed, fermx, speedup: composed.ms / fermx.ms });
}

type StepVariant = 'stock' | 'composed' | 'fermx';

/** One step of the training loop's own step (forward, backward, Adam) on M-Xception. */
async function profileStep(variant: StepVariant): Promise<{ kernels: number; dispatches: number; ms: number; batchNormKernels: number }> {
  // The flag is registered by @fermx/models' fused layer (architectures/fused-batch-normalization.ts).
  tf.env().set('FERMX_FUSED_BATCH_NORM', variant !== 'stock');
  useFusedKernels(variant === 'fermx');
  const set = syntheticImageSet(batch, ['neutral', 'sad', 'surprise', 'angry'], 1);
  const parts = buildTrainingModel({ architecture: 'mxception', numClasses: 4 }, 1, 1e-3);
  const plan = { indices: Uint32Array.from({ length: batch }, (_, i) => i), transforms: null, dropoutSeed: 1, lossScale: 1 };
  const step = async (): Promise<void> => {
    await localTrainingStep(parts, set, plan);
  };
  await step();
  let ms = Infinity;
  for (let i = 0; i < stepRepeats; i++) {
    const start = performance.now();
    await step();
    ms = Math.min(ms, performance.now() - start);
  }
  const before = dispatches;
  const profile = await tf.profile(step);
  const stepDispatches = dispatches - before;
  parts.optimizer.dispose();
  parts.model.dispose();
  useFusedKernels(true);
  tf.env().set('FERMX_FUSED_BATCH_NORM', true);
  const batchNormKernels = profile.kernels.filter((k) => FUSED_KERNELS.includes(k.name)).length;
  return { kernels: profile.kernels.length, dispatches: stepDispatches, ms, batchNormKernels };
}

const step = flags['no-step'] ? undefined : { stock: await profileStep('stock'), composed: await profileStep('composed'), fermx: await profileStep('fermx') };

if (flags.json) {
  console.log(JSON.stringify({ backend: info, batch, repeats, layers, step }, null, 2));
} else {
  console.log(
    `webgpu (${info.device ?? 'adapter'}), batch ${batch}, best of ${repeats}: training-mode batch norm forward+backward, fermx's kernels vs tfjs-layers' composition`,
  );
  console.log(
    `${'layer'.padEnd(18)} ${'composed ms'.padStart(12)} ${'disp'.padStart(5)} ${'fermx ms'.padStart(10)} ${'disp'.padStart(5)} ${'speed-up'.padStart(9)}`,
  );
  for (const l of layers) {
    console.log(
      `${l.name.padEnd(18)} ${l.composed.ms.toFixed(2).padStart(12)} ${String(l.composed.dispatches).padStart(5)} ${l.fermx.ms.toFixed(2).padStart(10)} ${String(l.fermx.dispatches).padStart(5)} ${l.speedup.toFixed(2).padStart(8)}×`,
    );
  }
  if (step) {
    console.log(`M-Xception step, batch ${batch}:`);
    for (const [name, s] of Object.entries(step)) {
      console.log(
        `  ${name.padEnd(9)} ${String(s.kernels).padStart(5)} kernels ${String(s.dispatches).padStart(5)} dispatches ${s.ms.toFixed(0).padStart(7)} ms  (${s.batchNormKernels} fused batch-norm kernel calls)`,
      );
    }
    const { stock, fermx } = step;
    console.log(
      `  stock → fermx: dispatches ${stock.dispatches} → ${fermx.dispatches} (−${(100 * (1 - fermx.dispatches / stock.dispatches)).toFixed(0)} %), kernels ${stock.kernels} → ${fermx.kernels}, time ratio ${(stock.ms / fermx.ms).toFixed(2)}×`,
    );
  }
}
