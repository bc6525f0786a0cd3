/**
 * Test/bench entry of a trainer child that simulates training (SyntheticTrainer): the worker
 * forks it instead of the tfjs child when started through synthetic-worker.ts. Its settings come
 * from the environment the worker passes down: FERMX_SYNTHETIC_EPOCH_MS (default 200) and
 * FERMX_SYNTHETIC_LOG (one JSON line per trained epoch). Production code never reaches this file.
 */
import { serveTrainer } from '../training/trainer-child.js';
import { SyntheticTrainer } from './synthetic-trainer.js';

export function syntheticSettingsFrom(env: NodeJS.ProcessEnv): { epochMs: number; logFile?: string } {
  const epochMs = Number(env.FERMX_SYNTHETIC_EPOCH_MS ?? 200);
  if (!Number.isInteger(epochMs) || epochMs <= 0) throw new Error(`FERMX_SYNTHETIC_EPOCH_MS must be a positive integer, got ${env.FERMX_SYNTHETIC_EPOCH_MS}`);
  return { epochMs, ...(env.FERMX_SYNTHETIC_LOG ? { logFile: env.FERMX_SYNTHETIC_LOG } : {}) };
}

serveTrainer(async () => new SyntheticTrainer(syntheticSettingsFrom(process.env)));
