/**
 * Test/bench entry: `fermx worker` exactly as shipped (same config, queue, storage, shutdown),
 * except that its trainer child simulates training (synthetic-trainer-process.ts). The reliability
 * tests, the orchestrator's steering tests and `npm run bench:chaos` start workers with it:
 *
 *   node --import tsx apps/gpu-worker/src/testing/synthetic-worker.ts [--gpu N] [--backend B]
 *
 * with FERMX_SYNTHETIC_EPOCH_MS / FERMX_SYNTHETIC_LOG in the environment (docs/WORKER.md). A
 * production `fermx worker` cannot be switched to this trainer: nothing outside testing/ imports it.
 */
import { runCli } from '@fermx/cli';
import { workerCommandWith } from '../commands/worker-command.js';
import { SYNTHETIC_TRAINER_ENTRY } from './entries.js';

process.exitCode = await runCli(['worker', ...process.argv.slice(2)], [workerCommandWith({ trainerEntry: SYNTHETIC_TRAINER_ENTRY })], {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
});
