import { existsSync } from 'node:fs';
import { ensureBinary, type Requirement } from '@fermx/cli';
import { CHROMIUM } from './chromium.js';

const multiarch = process.arch === 'arm64' ? 'aarch64-linux-gnu' : 'x86_64-linux-gnu';

/** The Vulkan loader Dawn (npm `webgpu`) dlopens; without it no WebGPU adapter exists at all. */
export const VULKAN_LOADER: Requirement = {
  binary: `/usr/lib/${multiarch}/libvulkan.so.1`,
  debianPackage: 'libvulkan1',
  purpose: 'WebGPU through Dawn (the Vulkan loader)',
};

/** SwiftShader's Vulkan driver manifest, shipped by Debian's chromium: a WebGPU adapter on any CPU. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/**
 * Makes a WebGPU adapter possible on a machine without a GPU: the Vulkan loader (libvulkan1)
 * and chromium (for SwiftShader), installed with apt-get when missing and allowed. Returns
 * undefined when ready, else the reason, naming what to install: the WebGPU suites fail with it
 * (describeRequiring), they never skip.
 */
export function webgpuRuntimeProblem(): string | undefined {
  try {
    ensureBinary(VULKAN_LOADER);
    ensureBinary(CHROMIUM);
  } catch (error) {
    return `${(error as Error).message} (WebGPU tests need: apt-get install libvulkan1 chromium)`;
  }
  if (!existsSync(SWIFTSHADER_ICD)) return `chromium is installed but ${SWIFTSHADER_ICD} is not: this chromium build ships no SwiftShader Vulkan driver`;
  return undefined;
}
