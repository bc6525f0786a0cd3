import type { Storage } from '@fermx/data';
import { runKeys, type EpochMetrics, type TrialResult, type TrialSpec } from '@fermx/contracts';

/** One line of metrics.jsonl: an epoch's metrics plus who trained it (resumes are visible). */
export interface MetricsLine extends EpochMetrics {
  worker: string;
  attempt: number;
}

/** checkpoints/latest.json: the last finished epoch, its checkpoint and the curve so far. */
export interface LatestCheckpoint {
  epoch: number;
  key: string;
  history: MetricsLine[];
  savedAt: string;
  /** Set when successive halving stopped the trial at this epoch, so a resume does not train on. */
  haltedBy?: 'halving';
  /** The epoch before, whose checkpoint is kept too: the fallback when this one fails verification. */
  previous?: { epoch: number; key: string };
}

/** checkpoints/latest.json could not be read as a pointer: empty, cut short or not JSON. */
export class CheckpointPointerError extends Error {
  override readonly name = 'CheckpointPointerError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const json = (value: unknown) => encoder.encode(`${JSON.stringify(value, null, 2)}\n`);

/** A trial's files in storage, at the keys `runKeys` (@fermx/contracts) names: the one storage layout. */
export class TrialFiles {
  readonly dir: string;
  private readonly sweepId: string;
  private readonly trialId: string;

  constructor(
    private readonly storage: Storage,
    spec: Pick<TrialSpec, 'sweepId' | 'trialId'>,
  ) {
    this.sweepId = spec.sweepId;
    this.trialId = spec.trialId;
    this.dir = runKeys.dir(spec.sweepId, spec.trialId);
  }

  async writeConfig(spec: TrialSpec): Promise<void> {
    await this.storage.put(runKeys.config(this.sweepId, this.trialId), json(spec), { contentType: 'application/json' });
  }

  /** The checkpoint pointer, if any; one that is not JSON is an error naming its key. */
  async readLatest(): Promise<LatestCheckpoint | undefined> {
    const key = runKeys.latestCheckpoint(this.sweepId, this.trialId);
    const bytes = await this.storage.getOptional(key);
    if (!bytes) return undefined;
    try {
      return JSON.parse(decoder.decode(bytes)) as LatestCheckpoint;
    } catch (error) {
      throw new CheckpointPointerError(`checkpoint pointer ${this.storage.uriOf(key)} is not JSON (${bytes.length} bytes): ${(error as Error).message}`);
    }
  }

  readCheckpoint(latest: LatestCheckpoint): Promise<Uint8Array> {
    return this.storage.get(latest.key);
  }

  /**
   * Persists one finished epoch. Order matters for crash safety: the checkpoint first, then the
   * curve, then the pointer; a crash in between leaves the previous pointer valid, and the
   * epoch is simply trained again.
   */
  async saveEpoch(epoch: number, checkpoint: Uint8Array, history: MetricsLine[], previous?: LatestCheckpoint): Promise<LatestCheckpoint> {
    const key = runKeys.checkpoint(this.sweepId, this.trialId, epoch);
    await this.storage.put(key, checkpoint, { contentType: 'application/octet-stream' });
    await this.storage.put(runKeys.metrics(this.sweepId, this.trialId), history.map((line) => JSON.stringify(line)).join('\n') + '\n', {
      contentType: 'application/x-ndjson',
    });
    const kept = previous && previous.key !== key ? { epoch: previous.epoch, key: previous.key } : undefined;
    const latest: LatestCheckpoint = { epoch, key, history, savedAt: new Date().toISOString(), ...(kept ? { previous: kept } : {}) };
    await this.storage.put(runKeys.latestCheckpoint(this.sweepId, this.trialId), json(latest), { contentType: 'application/json' });
    // The latest checkpoint and the one before (the fallback if the latest is corrupt) are kept;
    // older ones would cost a model's size per epoch.
    await this.deleteCheckpointsExcept([key, ...(kept ? [kept.key] : [])]);
    return latest;
  }

  private async deleteCheckpointsExcept(keep: string[]): Promise<void> {
    const keys = await this.storage.list(runKeys.checkpoints(this.sweepId, this.trialId)).catch(() => [] as string[]);
    for (const old of keys.filter((k) => k.endsWith('.ckpt') && !keep.includes(k))) await this.storage.delete(old).catch(() => undefined);
  }

  async markHalted(latest: LatestCheckpoint): Promise<LatestCheckpoint> {
    const halted: LatestCheckpoint = { ...latest, haltedBy: 'halving' };
    await this.storage.put(runKeys.latestCheckpoint(this.sweepId, this.trialId), json(halted), { contentType: 'application/json' });
    return halted;
  }

  async readMetrics(): Promise<MetricsLine[]> {
    const bytes = await this.storage.getOptional(runKeys.metrics(this.sweepId, this.trialId));
    if (!bytes) return [];
    return decoder
      .decode(bytes)
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as MetricsLine);
  }

  async readResult(): Promise<TrialResult | undefined> {
    const bytes = await this.storage.getOptional(runKeys.result(this.sweepId, this.trialId));
    return bytes ? (JSON.parse(decoder.decode(bytes)) as TrialResult) : undefined;
  }

  /** Writes the model folder (the last epoch's, or the best epoch's beside it) and returns its URI. */
  async writeModel(files: Record<string, Uint8Array>, which: 'last' | 'best' = 'last'): Promise<string> {
    const folder = which === 'best' ? runKeys.bestModel(this.sweepId, this.trialId) : runKeys.model(this.sweepId, this.trialId);
    for (const [name, bytes] of Object.entries(files)) {
      await this.storage.put(`${folder}/${name}`, bytes, { contentType: name.endsWith('.json') ? 'application/json' : 'application/octet-stream' });
    }
    return this.storage.uriOf(folder);
  }

  async writeResult(result: TrialResult): Promise<void> {
    await this.storage.put(runKeys.result(this.sweepId, this.trialId), json(result), { contentType: 'application/json' });
  }
}
