import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Where Dawn's Vulkan loader may find drivers (ICD manifests). The loader's own default search
 * misses the NVIDIA container toolkit's directory and Chromium's bundled SwiftShader, so fermx
 * names them explicitly when the environment names none.
 */
export const GPU_ICD_DIRECTORIES = ['/usr/local/nvidia/share/vulkan/icd.d', '/etc/vulkan/icd.d', '/usr/share/vulkan/icd.d', '/usr/local/share/vulkan/icd.d'];
/** SwiftShader (a CPU Vulkan) as Debian's `chromium` package ships it: the software choice, last. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
/** Where Debian and others put the Vulkan loader Dawn dlopens (package libvulkan1). */
export const VULKAN_LOADER_PATHS = [
  '/usr/lib/x86_64-linux-gnu/libvulkan.so.1',
  '/usr/lib/aarch64-linux-gnu/libvulkan.so.1',
  '/usr/lib64/libvulkan.so.1',
  '/usr/lib/libvulkan.so.1',
];

export interface DriverSearch {
  /** ICD manifests to hand the loader, real GPUs first; empty when the environment already names them or none exist. */
  drivers: string[];
  /** Why these (or none): for logs and skip reasons. */
  source: 'environment' | 'search' | 'none';
}

export interface DriverFileSystem {
  exists(file: string): boolean;
  list(directory: string): string[];
}

const realFileSystem: DriverFileSystem = {
  exists: existsSync,
  list: (directory) => {
    try {
      return readdirSync(directory);
    } catch {
      return [];
    }
  },
};

export interface DriverChoice {
  /** Whether SwiftShader may be named: only for an explicit webgpu choice, never for `auto`. */
  software: boolean;
}

/** Real-GPU manifests found in GPU_ICD_DIRECTORIES, then SwiftShader when it is installed and allowed. */
export function findVulkanDrivers(
  env: NodeJS.ProcessEnv = process.env,
  fs: DriverFileSystem = realFileSystem,
  choice: DriverChoice = { software: true },
): DriverSearch {
  if (env.VK_DRIVER_FILES || env.VK_ICD_FILENAMES) return { drivers: [], source: 'environment' };
  const found = GPU_ICD_DIRECTORIES.flatMap((directory) =>
    fs
      .list(directory)
      .filter((name) => name.endsWith('.json'))
      .sort()
      .map((name) => path.join(directory, name)),
  );
  const drivers = [...new Set(found)];
  if (choice.software && fs.exists(SWIFTSHADER_ICD) && !drivers.includes(SWIFTSHADER_ICD)) drivers.push(SWIFTSHADER_ICD);
  return { drivers, source: drivers.length ? 'search' : 'none' };
}

/**
 * Points the Vulkan loader at the drivers found, unless the environment already does. Must run
 * before Dawn's first instance: the loader reads VK_DRIVER_FILES when the instance is created.
 */
export function useVulkanDrivers(
  env: NodeJS.ProcessEnv = process.env,
  fs: DriverFileSystem = realFileSystem,
  choice: DriverChoice = { software: true },
): DriverSearch {
  const search = findVulkanDrivers(env, fs, choice);
  if (search.drivers.length) env.VK_DRIVER_FILES = search.drivers.join(path.delimiter);
  return search;
}

/** Device nodes a GPU driver creates: NVIDIA's, and the DRM render nodes of AMD/Intel/other GPUs. */
export const GPU_DEVICE_NODES = { directories: ['/dev/dri'], files: ['/dev/nvidiactl', '/dev/nvidia0'] };

/**
 * Whether this machine (or container) exposes a GPU at all. Without one, a Vulkan probe can only
 * find CPU drivers or fail, and either way Mesa, SwiftShader and Dawn print unstructured lines.
 */
export function gpuDevicePresent(fs: DriverFileSystem = realFileSystem): boolean {
  return (
    GPU_DEVICE_NODES.files.some((file) => fs.exists(file)) ||
    GPU_DEVICE_NODES.directories.some((dir) => fs.list(dir).some((name) => name.startsWith('renderD')))
  );
}

export function vulkanLoaderInstalled(fs: DriverFileSystem = realFileSystem): boolean {
  return VULKAN_LOADER_PATHS.some((file) => fs.exists(file));
}

/** SwiftShader, Mesa's llvmpipe/lavapipe and softpipe run on the CPU: slower than tfjs-backend-wasm. */
export function isSoftwareAdapter(description: string, isFallbackAdapter: boolean): boolean {
  return isFallbackAdapter || /swiftshader|llvmpipe|lavapipe|softpipe|software/i.test(description);
}
