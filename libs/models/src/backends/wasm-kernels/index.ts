import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import type { KernelConfig } from '@tensorflow/tfjs';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input.js';
import { maxPoolGradConfig } from './max-pool-grad.js';

/** Gradient kernels that stock tfjs-backend-wasm 4.22 lacks or gets wrong, in the order a training step meets them. */
export const fermxWasmKernels: readonly KernelConfig[] = [
  conv2dBackpropFilterConfig,
  depthwiseBackpropInputConfig,
  depthwiseBackpropFilterConfig,
  maxPoolGradConfig,
];

/**
 * Registers fermx's kernels on the 'wasm' backend, replacing stock ones where they exist.
 * Idempotent; call it after `tf.setBackend('wasm')` (or before: the kernels need no setup).
 */
export function registerFermxWasmKernels(): void {
  for (const config of fermxWasmKernels) {
    if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}
