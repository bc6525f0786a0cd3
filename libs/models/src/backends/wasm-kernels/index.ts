import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { fusedBatchNormGradConfig, installFusedBatchNormGradient } from './batch-norm-grad.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input.js';
import { maxPoolGradConfig } from './max-pool-grad.js';

/** Stock kernels we replace but still hand unusual cases to, captured before the first replacement. */
let stock: { conv2dBackpropInput?: KernelFunc } | undefined;

/** Kernels that stock tfjs-backend-wasm 4.22 lacks, gets wrong, or runs far slower than needed. */
export function fermxWasmKernels(): KernelConfig[] {
  stock ??= { conv2dBackpropInput: getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc };
  return [
    conv2dBackpropFilterConfig,
    conv2dBackpropInputConfig(stock.conv2dBackpropInput),
    depthwiseBackpropInputConfig,
    depthwiseBackpropFilterConfig,
    maxPoolGradConfig,
    fusedBatchNormGradConfig,
  ];
}

/**
 * Registers fermx's kernels on the 'wasm' backend, replacing stock ones where they exist.
 * Also routes FusedBatchNorm's gradient through a fused kernel when the active backend is wasm
 * (other backends keep tfjs-core's gradient). Idempotent; call it after `tf.setBackend('wasm')`
 * (or before: the kernels need no setup).
 */
export function registerFermxWasmKernels(): void {
  for (const config of fermxWasmKernels()) {
    if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
  installFusedBatchNormGradient();
}
