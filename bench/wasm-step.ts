/**
 * `npx tsx bench/wasm-step.ts [--batch 64] [--steps 3] [--repeats 3] [--variants fermx,composed-adam,copying-identity,im2col-filter,composed-elementwise,composed-batch-norm,before] [--profile]`
 *
 * Single-thread speed of one fermx training step on the wasm backend: M-Xception (4 classes),
 * tf.variableGrads of the cross-entropy plus fermx's AdamOptimizer.apply, as train.ts runs it.
 * Variants are timed alternately in the same process, so their ratios are measured under the same
 * load: `fermx` (everything on), `composed-adam` (Adam from tfjs ops instead of the fused kernel),
 * `copying-identity` (Identity and float32→float32 Cast copy their input, as stock wasm does),
 * `im2col-filter` (filter gradients through im2col + XNNPACK instead of the direct SIMD runs),
 * `composed-elementwise` (tfjs-core's Relu and Square gradients), `composed-batch-norm` (stock
 * tfjs-layers training batch norm: tf.moments + FusedBatchNorm and their composed gradients, instead
 * of the fused moments/gradient kernels), `before` (the first four off: fermx's kernels as they were
 * before that work). Figures are best-of-repeats,
 * by wall clock and by this process's CPU time (the machine is shared).
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { AdamOptimizer, buildModel, initBackend, KERAS_ADAM } from '@fermx/models';

const { values: flags } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '3' },
    repeats: { type: 'string', default: '3' },
    variants: { type: 'string', default: 'fermx,before' },
    profile: { type: 'boolean', default: false },
  },
});
const batch = Number(flags.batch);
const steps = Number(flags.steps);
const repeats = Number(flags.repeats);
const variantNames = (flags.variants ?? '').split(',');
for (const [name, value] of [
  ['--batch', batch],
  ['--steps', steps],
  ['--repeats', repeats],
] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: expected a positive integer, got ${value}`);
}
const knownVariants = ['fermx', 'composed-adam', 'copying-identity', 'im2col-filter', 'composed-elementwise', 'composed-batch-norm', 'before'];
const unknown = variantNames.filter((v) => !knownVariants.includes(v));
if (unknown.length > 0) throw new Error(`--variants: unknown ${unknown.join(', ')} (expected ${knownVariants.join(', ')})`);

const classes = 4;
await initBackend('wasm');

interface Variant {
  name: string;
  model: tf.LayersModel;
  adam: AdamOptimizer;
  copyingIdentity: boolean;
  directFilter: boolean;
  fusedElementwise: boolean;
  fusedBatchNorm: boolean;
  wall: number[];
  cpu: number[];
}

// tfjs flags registered by @fermx/models (conv2d-backprop-filter.ts, elementwise-grad.ts, fused-batch-normalization.ts).
const DIRECT_FILTER_GRADIENT_FLAG = 'FERMX_WASM_DIRECT_FILTER_GRADIENT';
const FUSED_ELEMENTWISE_GRADIENTS_FLAG = 'FERMX_WASM_FUSED_ELEMENTWISE_GRADIENTS';
const FUSED_BATCH_NORM_FLAG = 'FERMX_FUSED_BATCH_NORM';

const sharing = [tf.getKernel('Identity', 'wasm')!, tf.getKernel('Cast', 'wasm')!];
// What stock tfjs-backend-wasm 4.22's Identity and Cast do: a fresh copy of the input.
const copying: tf.KernelConfig[] = sharing.map((config) => ({
  ...config,
  kernelFunc: ({ inputs, backend, attrs }) => {
    const wasm = backend as unknown as { makeOutput(shape: number[], dtype: string): tf.TensorInfo; typedArrayFromHeap(t: tf.TensorInfo): Float32Array };
    const x = inputs['x']!;
    const dtype = (attrs?.['dtype'] as tf.DataType | undefined) ?? x.dtype;
    if (dtype !== x.dtype) return config.kernelFunc({ inputs, backend, attrs });
    const out = wasm.makeOutput(x.shape, x.dtype);
    wasm.typedArrayFromHeap(out).set(wasm.typedArrayFromHeap(x));
    return out;
  },
}));
function useKernels(configs: tf.KernelConfig[]): void {
  for (const config of configs) {
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel(config);
  }
}

function variant(name: string): Variant {
  const model = buildModel({ architecture: 'mxception', numClasses: classes }, { seed: 1 });
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const adam = new AdamOptimizer({ learningRate: 1e-3, ...KERAS_ADAM }, variables, { fused: name !== 'composed-adam' && name !== 'before' });
  return {
    name,
    model,
    adam,
    wall: [],
    cpu: [],
    copyingIdentity: name === 'copying-identity' || name === 'before',
    directFilter: name !== 'im2col-filter' && name !== 'before',
    fusedElementwise: name !== 'composed-elementwise' && name !== 'before',
    fusedBatchNorm: name !== 'composed-batch-norm',
  };
}

// Same ops as @fermx/models' crossEntropy (metrics/evaluate.ts).
function crossEntropy(labels: tf.Tensor, probabilities: tf.Tensor): tf.Scalar {
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(labels, tf.log(tf.clipByValue(probabilities, 1e-7, 1 - 1e-7))), -1))) as tf.Scalar);
}

const x = tf.randomUniform([batch, 48, 48, 1], 0, 1, 'float32', 7);
const y = tf.tidy(() => tf.oneHot(tf.randomUniform([batch], 0, classes, 'int32', 8), classes));

async function step({ model, adam, copyingIdentity, directFilter, fusedElementwise, fusedBatchNorm }: Variant): Promise<void> {
  useKernels(copyingIdentity ? copying : sharing);
  tf.env().set(DIRECT_FILTER_GRADIENT_FLAG, directFilter);
  tf.env().set(FUSED_ELEMENTWISE_GRADIENTS_FLAG, fusedElementwise);
  tf.env().set(FUSED_BATCH_NORM_FLAG, fusedBatchNorm);
  const { value, grads } = tf.variableGrads(() => crossEntropy(y, model.apply(x, { training: true }) as tf.Tensor), adam.variables);
  adam.apply(adam.variables.map((v) => grads[v.name]!));
  await value.data();
  tf.dispose([value, ...Object.values(grads)]);
}

const variants = variantNames.map(variant);
for (const v of variants) for (let i = 0; i < 2; i++) await step(v);
for (let r = 0; r < repeats; r++) {
  // Rotated order: no variant always runs right after the same neighbour.
  for (const v of variants.map((_, i) => variants[(i + r) % variants.length]!)) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    for (let i = 0; i < steps; i++) await step(v);
    const used = process.cpuUsage(cpu);
    v.wall.push((performance.now() - start) / 1000);
    v.cpu.push((used.user + used.system) / 1e6);
  }
}

console.log(
  `M-Xception fermx training step on wasm (1 thread), batch ${batch}, best of ${repeats}×${steps} steps, load ${(await import('node:os')).loadavg()[0]!.toFixed(2)}`,
);
console.log('variant     img/s (wall)  img/s (per CPU-s)  ms/step (CPU)');
const rate = (seconds: number[]) => (batch * steps) / Math.min(...seconds);
for (const v of variants) {
  console.log(
    `${v.name.padEnd(10)}  ${rate(v.wall).toFixed(1).padStart(12)}  ${rate(v.cpu).toFixed(1).padStart(17)}  ${((1000 * Math.min(...v.cpu)) / steps).toFixed(1).padStart(13)}`,
  );
}
const [base, ...others] = variants;
for (const other of others) {
  console.log(
    `${base!.name}/${other.name}: ${(rate(base!.wall) / rate(other.wall)).toFixed(3)} (wall), ${(rate(base!.cpu) / rate(other.cpu)).toFixed(3)} (per CPU-s)`,
  );
}

if (flags.profile) {
  // tf.profile reads every kernel's output back to check for NaNs, which inflates big kernels;
  // instead every wasm kernel is wrapped in a CPU-time meter (outermost call only: fermx kernels
  // call others). CPU time, not wall time, so that neighbours on the shared cores do not count.
  const first = variants[0]!;
  const byName = new Map<string, { ms: number; calls: number }>();
  let depth = 0;
  const wrap = (config: tf.KernelConfig): tf.KernelConfig => ({
    ...config,
    kernelFunc: (args) => {
      const start = process.cpuUsage();
      depth++;
      try {
        return config.kernelFunc(args);
      } finally {
        depth--;
        if (depth === 0) {
          const entry = byName.get(config.kernelName) ?? { ms: 0, calls: 0 };
          const used = process.cpuUsage(start);
          entry.ms += (used.user + used.system) / 1000;
          entry.calls += 1;
          byName.set(config.kernelName, entry);
        }
      }
    },
  });
  const swap = (configs: tf.KernelConfig[]) => {
    for (const config of configs) {
      tf.unregisterKernel(config.kernelName, 'wasm');
      tf.registerKernel(config);
    }
  };
  await step(first);
  // step() registers the variant's kernels and flags; wrap after that and time the next step.
  const current = tf.getKernelsForBackend('wasm');
  swap(current.map(wrap));
  const start = process.cpuUsage();
  const { value, grads } = tf.variableGrads(() => crossEntropy(y, first.model.apply(x, { training: true }) as tf.Tensor), first.adam.variables);
  first.adam.apply(first.adam.variables.map((v) => grads[v.name]!));
  await value.data();
  const used = process.cpuUsage(start);
  const stepMs = (used.user + used.system) / 1000;
  tf.dispose([value, ...Object.values(grads)]);
  swap(current);
  const rows = [...byName].sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((sum, [, r]) => sum + r.ms, 0);
  const calls = rows.reduce((sum, [, r]) => sum + r.calls, 0);
  console.log(
    `\nper-kernel CPU time, one ${first.name} step: ${stepMs.toFixed(0)} ms, ${total.toFixed(0)} ms in ${calls} kernel calls, ${(stepMs - total).toFixed(0)} ms outside kernels (engine, tape, layers; includes the meters)`,
  );
  for (const [name, r] of rows.slice(0, 25))
    console.log(`${name.padEnd(40)} ${r.ms.toFixed(1).padStart(9)} ms ${String(r.calls).padStart(5)} calls ${((100 * r.ms) / stepMs).toFixed(1).padStart(5)}%`);
}
useKernels(sharing);
tf.dispose([x, y]);
for (const v of variants) {
  v.adam.dispose();
  v.model.dispose();
}
