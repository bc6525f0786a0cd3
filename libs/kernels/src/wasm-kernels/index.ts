import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
// Registers the stock wasm kernels, so they exist to be captured (and wrapped) below.
import '@tensorflow/tfjs-backend-wasm';
import { adamUpdateConfig } from './adam-update.js';
import { fusedBatchNormGradConfig, installFusedBatchNormGradient } from './batch-norm-grad.js';
import { fusedBatchNormConfig } from './batch-norm.js';
import { batchNormMomentsConfig } from './batch-norm-moments.js';
import { batchNormTrainingGradConfig } from './batch-norm-training-grad.js';
import { broadcastRowsConfig, installMeanGradient, meanConfig, sumConfig } from './leading-axes-reduction.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { conv2dBackpropInputConfig } from './conv2d-backprop-input.js';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.js';
import { depthwiseBackpropInputConfig } from './depthwise-backprop-input.js';
import { installElementwiseGradients, reluGradConfig, squareGradConfig } from './elementwise-grad.js';
import { castConfig, identityConfig } from './identity.js';
import { maxPoolGradConfig } from './max-pool-grad.js';
import { stockKernel } from './wasm-heap.js';

/** Stock kernels we replace but still hand unusual cases to, captured before the first replacement. */
let stock: Partial<Record<'cast' | 'conv2dBackpropInput' | 'fusedBatchNorm' | 'mean' | 'sum', KernelFunc>> | undefined;

/** Kernels that stock tfjs-backend-wasm 4.22 lacks, gets wrong, or runs far slower than needed. */
export function fermxWasmKernels(): KernelConfig[] {
  stock ??= {
    cast: stockKernel(getKernel('Cast', 'wasm')),
    conv2dBackpropInput: stockKernel(getKernel('Conv2DBackpropInput', 'wasm')),
    fusedBatchNorm: stockKernel(getKernel('FusedBatchNorm', 'wasm')),
    mean: stockKernel(getKernel('Mean', 'wasm')),
    sum: stockKernel(getKernel('Sum', 'wasm')),
  };
  return [
    conv2dBackpropFilterConfig,
    conv2dBackpropInputConfig(stock.conv2dBackpropInput),
    depthwiseBackpropInputConfig,
    depthwiseBackpropFilterConfig,
    maxPoolGradConfig,
    fusedBatchNormGradConfig,
    fusedBatchNormConfig(stock.fusedBatchNorm),
    batchNormMomentsConfig,
    batchNormTrainingGradConfig,
    meanConfig(stock.mean),
    sumConfig(stock.sum),
    broadcastRowsConfig,
    identityConfig,
    castConfig(stock.cast),
    adamUpdateConfig,
    reluGradConfig,
    squareGradConfig,
  ];
}

/**
 * Registers fermx's kernels on the 'wasm' backend, replacing stock ones where they exist.
 * Also routes the gradients of FusedBatchNorm, per-channel Mean, Relu and Square through fused kernels when
 * the active backend is wasm (other backends keep tfjs-core's gradients). Idempotent; call it after `tf.setBackend('wasm')`
 * (or before: the kernels need no setup).
 */
export function registerFermxWasmKernels(): void {
  for (const config of fermxWasmKernels()) {
    if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
  installFusedBatchNormGradient();
  installMeanGradient();
  installElementwiseGradients();
}
