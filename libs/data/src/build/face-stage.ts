import type { BuildLog } from './build-log.js';
import type { ProgressCounter } from './build-progress.js';
import type { FacePool } from './face-pool.js';
import type { FaceInput, ProcessedFace } from './face-processor.js';
import { loadPart, partKey, savePart, type PartCache } from './part-cache.js';

/** Rows per landmark-net batch sent to a worker. */
const BATCH = 64;

/**
 * Landmarks, measurements and mask for every row, part by part: a part cached in storage is
 * reused, any other goes through the face pool (started on first need) in batches and is cached.
 * Two parts in flight keep every worker busy while bounding memory.
 */
export class FaceStage {
  readonly faces = new Map<number, ProcessedFace>();
  reusedParts = 0;
  private pool: Promise<FacePool> | undefined;
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly cache: PartCache,
    private readonly processingKey: string,
    private readonly startFacePool: () => Promise<FacePool>,
    private readonly progress: ProgressCounter,
    private readonly log: BuildLog,
  ) {}

  /** Queues one part; waits while two are already running. */
  async schedule(part: number, inputs: FaceInput[]): Promise<void> {
    if (inputs.length === 0) return;
    const task: Promise<void> = this.run(part, inputs).finally(() => this.inFlight.delete(task));
    this.inFlight.add(task);
    while (this.inFlight.size >= 2) await Promise.race(this.inFlight);
  }

  /** Waits for every queued part. */
  async finish(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  /** Lets running parts settle and stops the face pool (also after a failure). */
  async close(): Promise<void> {
    await Promise.allSettled(this.inFlight);
    if (this.pool) await (await this.pool).close();
  }

  private async run(part: number, inputs: FaceInput[]): Promise<void> {
    const key = partKey(this.cache, this.processingKey, part);
    const cached = await loadPart(this.cache.ctx.storage, key);
    let result = cached;
    if (result) this.reusedParts++;
    else {
      this.pool ??= this.startFacePool();
      const pool = await this.pool;
      const batches: Promise<ProcessedFace[]>[] = [];
      for (let i = 0; i < inputs.length; i += BATCH) {
        const batch = inputs.slice(i, i + BATCH);
        batches.push(
          pool.process(batch).then((r) => {
            this.progress.done += batch.length;
            this.progress.report();
            return r;
          }),
        );
      }
      result = (await Promise.all(batches)).flat();
      await savePart(this.cache.ctx, key, result);
    }
    if (cached) {
      this.progress.done += cached.length;
      this.progress.report();
    }
    for (const face of result) this.faces.set(face.index, face);
    this.log.info({ part, faces: result.length, cached: cached !== undefined }, 'build part done');
  }
}
