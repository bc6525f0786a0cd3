import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The synthetic trainer child (synthetic-trainer-process.ts), for ChildProcessTrainer's `entry`. */
export const SYNTHETIC_TRAINER_ENTRY = fileURLToPath(new URL('./synthetic-trainer-process.ts', import.meta.url));
/** `fermx worker` with the synthetic trainer child (synthetic-worker.ts): run it with `node --import <TSX_LOADER>`. */
export const SYNTHETIC_WORKER_ENTRY = fileURLToPath(new URL('./synthetic-worker.ts', import.meta.url));
/** tsx's loader by absolute URL, so the entries start from any working directory. */
export const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
