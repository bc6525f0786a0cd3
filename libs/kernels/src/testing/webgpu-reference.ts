import { initBackend } from '../init-backend.js';
import { worstErrorOn, type Computation, type Values } from './kernel-reference.js';

/** Test support: the same computation on `cpu` (the reference) and on `webgpu` with fermx's kernels. */
export { onBackend, randomValues, relativeError, type Computation, type Values } from './kernel-reference.js';

/**
 * Activates webgpu (any adapter, software included: the tests check numbers, not speed) and
 * returns its device, or the reason it cannot run here.
 */
export async function activateWebgpu(): Promise<{ device: string } | { problem: string }> {
  try {
    const info = await initBackend('webgpu');
    return { device: info.device ?? 'WebGPU adapter' };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** Runs `compute` on cpu and on webgpu; the worst relative error over its outputs. Leaves webgpu active. */
export async function worstErrorAgainstCpu(values: Values[], compute: Computation): Promise<number> {
  return worstErrorOn('webgpu', values, compute);
}
