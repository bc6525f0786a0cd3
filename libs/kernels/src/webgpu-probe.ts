import * as tf from '@tensorflow/tfjs';
import type { ActivationNote, ProbeContext, ProbeResult } from './backend-info.js';
import { gpuDevicePresent, isSoftwareAdapter, useVulkanDrivers, vulkanLoaderInstalled } from './vulkan-drivers.js';

interface AdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}

/**
 * WebGPU through Dawn's Node bindings (`webgpu` package). navigator.gpu must exist before
 * tfjs-backend-webgpu is imported. `auto` takes only a hardware adapter: a software one
 * (SwiftShader, llvmpipe) is slower than wasm; an explicit `webgpu` choice accepts it, with a caveat.
 */
export async function probeWebgpu(context: ProbeContext = { explicit: false }): Promise<ProbeResult> {
  // `auto` skips software adapters anyway; not starting Vulkan where no GPU is exposed keeps Mesa's,
  // SwiftShader's and Dawn's unstructured start-up lines out of every CPU worker's log.
  const named = Boolean(process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES);
  if (!context.explicit && !named && !gpuDevicePresent()) {
    return {
      available: false,
      reason: 'no GPU device (/dev/nvidia0, /dev/dri/renderD*); auto does not try software adapters (VK_DRIVER_FILES names drivers to try)',
    };
  }
  const drivers = useVulkanDrivers(process.env, undefined, { software: context.explicit });
  let gpu: { requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null> };
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

  // tfjs-backend-webgpu asks for the high-performance adapter too, so this is the one it will get.
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) {
    if (!vulkanLoaderInstalled())
      return { available: false, reason: 'no WebGPU adapter: the Vulkan loader libvulkan.so.1 is missing (Debian: apt-get install libvulkan1)' };
    const where = {
      none: 'no Vulkan driver found (a GPU driver, or chromium for SwiftShader)',
      environment: 'Dawn found no usable Vulkan device among the drivers VK_DRIVER_FILES/VK_ICD_FILENAMES name',
      search: `Dawn found no usable Vulkan device (drivers tried: ${drivers.drivers.join(', ')})`,
    }[drivers.source];
    return { available: false, reason: `no WebGPU adapter: ${where}` };
  }
  const device = [adapter.info?.vendor, adapter.info?.architecture, adapter.info?.description].filter(Boolean).join(' ') || 'WebGPU adapter';
  const software = isSoftwareAdapter(device, Boolean(adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter));
  if (software && !context.explicit) {
    return { available: false, reason: `only a software WebGPU adapter (${device}), slower than wasm; --backend webgpu uses it anyway` };
  }
  return {
    available: true,
    device,
    activate: async (): Promise<ActivationNote> => {
      await import('@tensorflow/tfjs-backend-webgpu');
      const { registerFermxWebgpuKernels } = await import('./webgpu-kernels/index.js');
      registerFermxWebgpuKernels();
      if (!(await tf.setBackend('webgpu'))) throw new Error("tf.setBackend('webgpu') failed");
      return software ? { caveat: `software WebGPU adapter (${device}): runs on the CPU, slower than wasm` } : {};
    },
  };
}
