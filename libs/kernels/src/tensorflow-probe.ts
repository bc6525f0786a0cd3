import * as tf from '@tensorflow/tfjs';
import type { ProbeResult } from './backend-info.js';

// Optional dependencies: they download libtensorflow at install time, so they are often
// absent. A variable specifier keeps TypeScript from requiring them at compile time.
const PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'] as const;

/** libtensorflow through tfjs-node(-gpu), the fastest backend where it installs. */
export async function probeTensorflow(): Promise<ProbeResult> {
  const failures: string[] = [];
  for (const specifier of PACKAGES) {
    try {
      await import(/* @vite-ignore */ specifier as string);
      if (!tf.findBackend('tensorflow')) {
        failures.push(`${specifier} loaded but registered no 'tensorflow' backend`);
        continue;
      }
      return {
        available: true,
        device: specifier.endsWith('-gpu') ? 'libtensorflow (CUDA)' : 'libtensorflow (CPU)',
        activate: async () => {
          if (!(await tf.setBackend('tensorflow'))) throw new Error(`tf.setBackend('tensorflow') failed after loading ${specifier}`);
        },
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      failures.push(
        code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND'
          ? `${specifier} is not installed`
          : `${specifier}: ${(error as Error).message.split('\n')[0]}`,
      );
    }
  }
  return { available: false, reason: failures.join('; ') };
}
