import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ActivationNote, BackendLog, ProbeResult } from './backend-info.js';

/** Directory of the .wasm binaries shipped in the npm package (Node reads them from disk). */
export function wasmBinaryDirectory(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + path.sep;
}

/** Registers the training kernels stock wasm lacks (owned by wasm-kernels/). */
async function registerTrainingKernels(log: BackendLog): Promise<string | null> {
  try {
    const kernels = await import('./wasm-kernels/index.js');
    kernels.registerFermxWasmKernels();
    return null;
  } catch (error) {
    const reason = `fermx wasm training kernels unavailable (${(error as Error).message.split('\n')[0]}); wasm can run inference but not train CNNs`;
    log('wasm training kernels unavailable', { error: (error as Error).message });
    return reason;
  }
}

/** tfjs-backend-wasm (XNNPACK, SIMD when the runtime has it), plus fermx's gradient kernels. */
export function probeWasm(log: BackendLog): () => Promise<ProbeResult> {
  return async () => {
    let directory: string;
    try {
      directory = wasmBinaryDirectory();
    } catch (error) {
      return { available: false, reason: `@tensorflow/tfjs-backend-wasm binaries not found: ${(error as Error).message.split('\n')[0]}` };
    }
    return {
      available: true,
      device: 'WebAssembly',
      activate: async (): Promise<ActivationNote> => {
        setWasmPaths(directory);
        if (!(await tf.setBackend('wasm'))) throw new Error(`tf.setBackend('wasm') failed (binaries from ${directory})`);
        // Without the kernels wasm still runs inference, so this is a caveat, not a failure.
        const problem = await registerTrainingKernels(log);
        return { device: wasmFeatures(), ...(problem ? { caveat: problem } : {}) };
      },
    };
  };
}

/** Feature string for BackendInfo.device once wasm is active. */
export function wasmFeatures(): string {
  const simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
  const threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  return `WebAssembly${simd ? ' SIMD' : ''}${threads ? ' threads' : ', single thread'}`;
}
