import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs';
import { adamUpdateConfig } from './adam-update.js';
import { batchNormMomentsConfig } from './batch-norm-moments.js';
import { batchNormTrainingGradConfig } from './batch-norm-training-grad.js';
import { conv2dBackpropFilterConfig } from './conv2d-backprop-filter.js';
import { depthwiseBackpropFilterConfig } from './depthwise-backprop-filter.js';

/** Stock kernels, captured before the first replacement, for the cases fermx's kernels hand back (NCHW, dilation). */
let stock: { Conv2DBackpropFilter: KernelFunc; DepthwiseConv2dNativeBackpropFilter: KernelFunc } | undefined;

function stockKernel(name: string): KernelFunc {
  const config = getKernel(name, 'webgpu');
  if (!config)
    throw new Error(
      `tfjs-backend-webgpu has no ${name} kernel: import '@tensorflow/tfjs-backend-webgpu' (with navigator.gpu set) before registering fermx's kernels`,
    );
  return config.kernelFunc;
}

/**
 * fermx-only kernels (no stock counterpart): the fused training-mode batch norm of
 * batch-norm-kernels.ts and the fused Adam update training/adam.ts uses where registered.
 */
function fermxOnlyKernels(): KernelConfig[] {
  return [batchNormMomentsConfig(), batchNormTrainingGradConfig(), adamUpdateConfig()];
}

/**
 * Kernels that replace stock tfjs-backend-webgpu 4.22 ones that leave most of a GPU idle, and the
 * fermx-only batch-norm and Adam kernels.
 */
export function fermxWebgpuKernels(): KernelConfig[] {
  stock ??= {
    Conv2DBackpropFilter: stockKernel('Conv2DBackpropFilter'),
    DepthwiseConv2dNativeBackpropFilter: stockKernel('DepthwiseConv2dNativeBackpropFilter'),
  };
  return [
    conv2dBackpropFilterConfig(stock.Conv2DBackpropFilter),
    depthwiseBackpropFilterConfig(stock.DepthwiseConv2dNativeBackpropFilter),
    ...fermxOnlyKernels(),
  ];
}

/**
 * Registers fermx's kernels on the 'webgpu' backend in place of the stock ones. Idempotent.
 * Call it after '@tensorflow/tfjs-backend-webgpu' has been imported (its import registers the
 * stock kernels, which stay reachable for layouts fermx's kernels do not cover).
 */
export function registerFermxWebgpuKernels(): void {
  for (const config of fermxWebgpuKernels()) {
    if (getKernel(config.kernelName, config.backendName)) unregisterKernel(config.kernelName, config.backendName);
    registerKernel(config);
  }
}

/**
 * Puts the stock tfjs-backend-webgpu kernels back and unregisters the fermx-only ones, so batch
 * norm and Adam take the composed path (benchmarks compare against it). No-op before registration.
 */
export function restoreStockWebgpuKernels(): void {
  if (!stock) return;
  for (const { kernelName } of fermxOnlyKernels()) {
    if (getKernel(kernelName, 'webgpu')) unregisterKernel(kernelName, 'webgpu');
  }
  for (const [kernelName, kernelFunc] of Object.entries(stock)) {
    if (getKernel(kernelName, 'webgpu')) unregisterKernel(kernelName, 'webgpu');
    registerKernel({ kernelName, backendName: 'webgpu', kernelFunc });
  }
}
