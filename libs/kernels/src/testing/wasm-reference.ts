import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerFermxWasmKernels } from '../wasm-kernels/index.js';
import { worstErrorOn, type Computation, type Values } from './kernel-reference.js';

/** Test support: runs the same computation on `cpu` (the reference) and on `wasm` with fermx kernels. */
export { onBackend, randomValues, relativeError, type Computation, type Values } from './kernel-reference.js';

let ready: Promise<void> | undefined;
export function wasmWithFermxKernels(): Promise<void> {
  ready ??= (async () => {
    await tf.setBackend('wasm');
    registerFermxWasmKernels();
  })();
  return ready;
}

/** Runs `compute` on cpu and on wasm with fermx's kernels; the worst relative error over its outputs. */
export async function worstErrorAgainstCpu(values: Values[], compute: Computation): Promise<number> {
  await wasmWithFermxKernels();
  return worstErrorOn('wasm', values, compute);
}
