import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { LandmarkDetector } from '../landmarks/landmark-detector.js';
import { processFaces, type FaceInput, type MaskingOptions, type ProcessedFace } from './face-processor.js';

/** Runs the face stage on batches; `close()` is idempotent. */
export interface FacePool {
  readonly size: number;
  process(faces: FaceInput[]): Promise<ProcessedFace[]>;
  close(): Promise<void>;
}

/** The face stage in this thread, with any LandmarkDetector (tests, other detectors). */
export function inlineFacePool(detector: LandmarkDetector, options: MaskingOptions): FacePool {
  return {
    size: 1,
    process: (faces) => processFaces(detector, faces, options),
    close: () => detector.dispose(),
  };
}

interface Pending {
  resolve(faces: ProcessedFace[]): void;
  reject(error: Error): void;
}

interface WorkerSlot {
  worker: Worker;
  busy: number;
  pending: Map<number, Pending>;
  failed?: Error;
}

/**
 * The face stage on `size` worker threads, each with its own tfjs-wasm landmark net (wasm here
 * runs single-threaded, so threads are how the builder uses more than one core). Batches go
 * to the least busy worker.
 */
export async function workerFacePool(size: number, options: MaskingOptions & { model?: string }): Promise<FacePool> {
  const count = Math.max(1, Math.min(size, availableParallelism() * 2));
  let nextId = 0;
  const slots: WorkerSlot[] = [];
  const entry = new URL('./face-worker.mjs', import.meta.url);
  await Promise.all(
    Array.from({ length: count }, async () => {
      const worker = new Worker(entry, { workerData: { options } });
      const slot: WorkerSlot = { worker, busy: 0, pending: new Map() };
      const fail = (error: Error) => {
        slot.failed = error;
        for (const p of slot.pending.values()) p.reject(error);
        slot.pending.clear();
      };
      worker.on('error', fail);
      worker.on('exit', (code) => {
        if (code !== 0) fail(new Error(`face worker exited with code ${code}`));
      });
      await new Promise<void>((resolve, reject) => {
        worker.once('message', (m: { ready?: boolean; error?: string }) =>
          m.ready ? resolve() : reject(new Error(`face worker failed to start: ${m.error}`)),
        );
        worker.once('error', reject);
      });
      worker.on('message', (m: { id: number; faces?: ProcessedFace[]; error?: string }) => {
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        slot.busy--;
        if (m.faces) p.resolve(m.faces);
        else p.reject(new Error(`face worker: ${m.error}`));
      });
      slots.push(slot);
    }),
  );
  let closing: Promise<void> | undefined;
  return {
    size: count,
    process(faces) {
      const slot = slots.reduce((a, b) => (b.busy < a.busy ? b : a));
      if (slot.failed) return Promise.reject(slot.failed);
      const id = nextId++;
      slot.busy++;
      return new Promise((resolve, reject) => {
        slot.pending.set(id, { resolve, reject });
        slot.worker.postMessage({ id, faces });
      });
    },
    close() {
      closing ??= Promise.all(slots.map((s) => s.worker.terminate())).then(() => undefined);
      return closing;
    },
  };
}
