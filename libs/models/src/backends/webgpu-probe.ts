import * as tf from '@tensorflow/tfjs';
import type { ProbeResult } from './backend-info.js';

interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/**
 * WebGPU through Dawn's Node bindings (`webgpu` package). navigator.gpu must exist before
 * tfjs-backend-webgpu is imported, and only a real (non-fallback) adapter is worth using:
 * Dawn's software adapter is slower than wasm.
 */
export async function probeWebgpu(): Promise<ProbeResult> {
  let gpu: { requestAdapter(): Promise<AdapterLike | null> };
  try {
    const dawn = await import('webgpu');
    Object.assign(globalThis, dawn.globals);
    gpu = dawn.create([]) as unknown as typeof gpu;
  } catch (error) {
    return { available: false, reason: `webgpu (Dawn) bindings failed to load: ${(error as Error).message.split('\n')[0]}` };
  }
  const scope = globalThis as { navigator?: { gpu?: unknown } };
  if (!scope.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, writable: true, configurable: true });
  if (!scope.navigator!.gpu) Object.defineProperty(scope.navigator!, 'gpu', { value: gpu, writable: true, configurable: true });

  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { available: false, reason: 'no WebGPU adapter (Dawn found no Vulkan/Metal/D3D12 device)' };
  if (adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter) return { available: false, reason: 'only a fallback (software) WebGPU adapter' };
  const device = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ') || 'WebGPU adapter';
  return {
    available: true,
    device,
    activate: async () => {
      await import('@tensorflow/tfjs-backend-webgpu');
      if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') failed");
    },
  };
}
