import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** `fermx worker` with the synthetic trainer child: the test/bench entry (apps/gpu-worker/src/testing/synthetic-worker.ts). */
export const SYNTHETIC_WORKER_ENTRY = join(repoRoot, 'apps/gpu-worker/src/testing/synthetic-worker.ts');

/**
 * Node's arguments that start a synthetic worker from any working directory:
 * `spawn(process.execPath, syntheticWorkerArgs('--gpu', '0'), { env: { FERMX_SYNTHETIC_EPOCH_MS: '20', ... } })`.
 */
export function syntheticWorkerArgs(...workerArgs: string[]): string[] {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, SYNTHETIC_WORKER_ENTRY, ...workerArgs];
}
