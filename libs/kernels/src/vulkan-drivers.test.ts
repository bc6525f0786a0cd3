import { describe, expect, it } from 'vitest';
import { findVulkanDrivers, gpuDevicePresent, isSoftwareAdapter, SWIFTSHADER_ICD, useVulkanDrivers, type DriverFileSystem } from './vulkan-drivers.js';

function fakeFileSystem(files: string[]): DriverFileSystem {
  return {
    exists: (file) => files.includes(file),
    list: (directory) => files.filter((f) => f.startsWith(`${directory}/`)).map((f) => f.slice(directory.length + 1)),
  };
}

describe('Vulkan driver search', () => {
  it('names real GPU drivers first and SwiftShader last', () => {
    const fs = fakeFileSystem([
      '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json',
      '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json',
      '/usr/share/vulkan/icd.d/readme.txt',
      SWIFTSHADER_ICD,
    ]);
    expect(findVulkanDrivers({}, fs)).toEqual({
      drivers: ['/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json', '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json', SWIFTSHADER_ICD],
      source: 'search',
    });
    const env: NodeJS.ProcessEnv = {};
    useVulkanDrivers(env, fs);
    expect(env.VK_DRIVER_FILES).toBe(`/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json:/usr/share/vulkan/icd.d/lvp_icd.x86_64.json:${SWIFTSHADER_ICD}`);
  });

  it('names no software driver for auto', () => {
    const fs = fakeFileSystem(['/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json', SWIFTSHADER_ICD]);
    expect(findVulkanDrivers({}, fs, { software: false })).toEqual({ drivers: ['/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json'], source: 'search' });
    const env: NodeJS.ProcessEnv = {};
    expect(useVulkanDrivers(env, fakeFileSystem([SWIFTSHADER_ICD]), { software: false })).toEqual({ drivers: [], source: 'none' });
    expect(env.VK_DRIVER_FILES).toBeUndefined();
  });

  it('leaves a driver choice in the environment alone, and sets nothing when no driver exists', () => {
    const fs = fakeFileSystem([SWIFTSHADER_ICD]);
    const env: NodeJS.ProcessEnv = { VK_ICD_FILENAMES: '/opt/gpu.json' };
    expect(useVulkanDrivers(env, fs)).toEqual({ drivers: [], source: 'environment' });
    expect(env.VK_DRIVER_FILES).toBeUndefined();
    const bare: NodeJS.ProcessEnv = {};
    expect(useVulkanDrivers(bare, fakeFileSystem([]))).toEqual({ drivers: [], source: 'none' });
    expect(bare.VK_DRIVER_FILES).toBeUndefined();
  });

  it('sees a GPU by its device nodes', () => {
    expect(gpuDevicePresent(fakeFileSystem(['/dev/nvidiactl']))).toBe(true);
    expect(gpuDevicePresent(fakeFileSystem(['/dev/dri/renderD128', '/dev/dri/card0']))).toBe(true);
    expect(gpuDevicePresent(fakeFileSystem(['/dev/dri/card0', '/dev/null']))).toBe(false);
    expect(gpuDevicePresent(fakeFileSystem([]))).toBe(false);
  });

  it('tells software adapters from GPUs', () => {
    expect(isSoftwareAdapter('google swiftshader SwiftShader driver 5.0.0', false)).toBe(true);
    expect(isSoftwareAdapter('mesa llvmpipe (LLVM 15.0.6, 256 bits)', false)).toBe(true);
    expect(isSoftwareAdapter('nvidia hopper NVIDIA H100 80GB HBM3', false)).toBe(false);
    expect(isSoftwareAdapter('some adapter', true)).toBe(true);
  });
});
