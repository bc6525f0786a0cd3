/**
 * `npx tsx bench/webgpu-filter-gradients.ts [--batch 64] [--repeats 2] [--shapes stem,pointwise,...] [--json]`
 *
 * Filter gradients of M-Xception's layers on the webgpu backend: fermx's split-reduction kernels
 * against the stock tfjs-backend-webgpu 4.22 ones, timed alternately in one process, with the
 * ratio. Uses whatever adapter Dawn finds (on a machine without a GPU: SwiftShader on the CPU,
 * where figures are indicative only; the kernels are designed for a GPU's parallelism).
 */
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { initBackend, registerFermxWebgpuKernels, restoreStockWebgpuKernels } from '@fermx/kernels';

const { values: flags } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    repeats: { type: 'string', default: '2' },
    shapes: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

type Shape4 = [number, number, number, number];
interface Case {
  name: string;
  kernel: 'Conv2DBackpropFilter' | 'DepthwiseConv2dNativeBackpropFilter';
  x: (batch: number) => Shape4;
  filter: Shape4;
  stride: 1 | 2;
}

// M-Xception (stem 16, blocks 32/64, middle 64, exit 64/128) on 48×48 inputs.
const cases: Case[] = [
  { name: 'stem 3×3 16→16 @48', kernel: 'Conv2DBackpropFilter', x: (n) => [n, 48, 48, 16], filter: [3, 3, 16, 16], stride: 1 },
  { name: 'pointwise 1×1 32→64 @24', kernel: 'Conv2DBackpropFilter', x: (n) => [n, 24, 24, 32], filter: [1, 1, 32, 64], stride: 1 },
  { name: 'shortcut 1×1/2 32→64 @24', kernel: 'Conv2DBackpropFilter', x: (n) => [n, 24, 24, 32], filter: [1, 1, 32, 64], stride: 2 },
  { name: 'conv 3×3 64→64 @24 (issue)', kernel: 'Conv2DBackpropFilter', x: (n) => [n, 24, 24, 64], filter: [3, 3, 64, 64], stride: 1 },
  { name: 'depthwise 3×3×16 @48', kernel: 'DepthwiseConv2dNativeBackpropFilter', x: (n) => [n, 48, 48, 16], filter: [3, 3, 16, 1], stride: 1 },
  { name: 'depthwise 3×3×64 @24', kernel: 'DepthwiseConv2dNativeBackpropFilter', x: (n) => [n, 24, 24, 64], filter: [3, 3, 64, 1], stride: 1 },
  { name: 'depthwise 3×3×128 @12', kernel: 'DepthwiseConv2dNativeBackpropFilter', x: (n) => [n, 12, 12, 128], filter: [3, 3, 128, 1], stride: 1 },
];

const batch = Number(flags.batch);
const repeats = Number(flags.repeats);
if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(repeats) || repeats < 1) throw new Error('--batch and --repeats take positive integers');
const wanted = flags.shapes?.split(',');
const selected = wanted ? cases.filter((c) => wanted.some((w) => c.name.startsWith(w))) : cases;
if (!selected.length) throw new Error(`--shapes matched none of: ${cases.map((c) => c.name).join('; ')}`);

const info = await initBackend('webgpu');

/** Milliseconds for one gradient, read back (the readback waits for the GPU); best of `repeats` after a warm-up. */
async function time(c: Case, x: tf.Tensor, dy: tf.Tensor): Promise<number> {
  const attrs: tf.NamedAttrMap =
    c.kernel === 'Conv2DBackpropFilter'
      ? { strides: c.stride, pad: 'same', dataFormat: 'NHWC', filterShape: c.filter }
      : { strides: c.stride, pad: 'same', dilations: 1, filterShape: c.filter };
  let best = Infinity;
  for (let i = 0; i <= repeats; i++) {
    const start = performance.now();
    const dw = tf.engine().runKernel(c.kernel, { x, dy }, attrs) as tf.Tensor;
    await dw.data();
    dw.dispose();
    if (i > 0) best = Math.min(best, performance.now() - start);
  }
  return best;
}

const rows: { name: string; x: Shape4; fermxMs: number; stockMs: number; speedup: number }[] = [];
for (const c of selected) {
  const xShape = c.x(batch);
  const dyShape = tf.backend_util.computeConv2DInfo(xShape, c.filter, c.stride, 1, 'same', undefined, c.kernel !== 'Conv2DBackpropFilter').outShape;
  const x = tf.randomUniform(xShape, -1, 1);
  const dy = tf.randomUniform(dyShape, -1, 1);
  registerFermxWebgpuKernels();
  const fermxMs = await time(c, x, dy);
  restoreStockWebgpuKernels();
  const stockMs = await time(c, x, dy);
  registerFermxWebgpuKernels();
  tf.dispose([x, dy]);
  rows.push({ name: c.name, x: xShape, fermxMs, stockMs, speedup: stockMs / fermxMs });
  if (!flags.json)
    console.log(
      `${c.name.padEnd(30)} x=${xShape.join('×').padEnd(14)} fermx ${fermxMs.toFixed(1).padStart(9)} ms   stock ${stockMs.toFixed(1).padStart(9)} ms   ×${(stockMs / fermxMs).toFixed(1)}`,
    );
}
if (flags.json) console.log(JSON.stringify({ date: new Date().toISOString(), device: info.device, reason: info.reason, batch, repeats, rows }, null, 2));
else console.log(`device: ${info.device} (${info.reason}); best of ${repeats} after a warm-up`);
