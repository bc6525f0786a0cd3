import type { Redis } from 'ioredis';
import { TrialOwners } from '@fermx/queue';
import { runKeys } from '@fermx/contracts';
import type { Storage } from '@fermx/data';
import type { SweepRecord, SweepSummary } from './sweep-record.js';

/** Sweeps: full record in storage (source of truth), a summary per sweep in Redis for listings. */
export class SweepCatalog {
  constructor(
    private readonly redis: Redis,
    readonly storage: Storage,
    private readonly prefix: string,
  ) {}

  private get listKey(): string {
    return `${this.prefix}:sweeps`;
  }

  private summaryKey(sweepId: string): string {
    return `${this.prefix}:sweep:${sweepId}`;
  }

  async save(record: SweepRecord): Promise<void> {
    await this.storage.put(runKeys.sweep(record.sweepId), JSON.stringify(record), { contentType: 'application/json' });
    await this.index(record);
  }

  /**
   * Puts a record's summary into Redis and records the sweep as an owner of each of its trials
   * (also used when rebuilding from storage).
   */
  async index(record: SweepRecord): Promise<void> {
    const summary: SweepSummary = {
      sweepId: record.sweepId,
      name: record.name,
      dataset: record.dataset,
      createdAt: record.createdAt,
      trialIds: record.trials.map((t) => t.trialId),
    };
    await this.redis
      .multi()
      .set(this.summaryKey(record.sweepId), JSON.stringify(summary))
      .zadd(this.listKey, Date.parse(record.createdAt), record.sweepId)
      .exec();
    await new TrialOwners(this.redis, { prefix: this.prefix }).add(record.sweepId, summary.trialIds);
  }

  async get(sweepId: string): Promise<SweepRecord | undefined> {
    const bytes = await this.storage.getOptional(runKeys.sweep(sweepId));
    return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as SweepRecord) : undefined;
  }

  async summary(sweepId: string): Promise<SweepSummary | undefined> {
    const raw = await this.redis.get(this.summaryKey(sweepId));
    if (raw) return JSON.parse(raw) as SweepSummary;
    const record = await this.get(sweepId);
    return (
      record && {
        sweepId: record.sweepId,
        name: record.name,
        dataset: record.dataset,
        createdAt: record.createdAt,
        trialIds: record.trials.map((t) => t.trialId),
      }
    );
  }

  /** Newest first. */
  async list(): Promise<SweepSummary[]> {
    const ids = await this.redis.zrevrange(this.listKey, 0, -1);
    if (ids.length === 0) return [];
    const raws = await this.redis.mget(ids.map((id) => this.summaryKey(id)));
    return raws.flatMap((raw) => (raw ? [JSON.parse(raw) as SweepSummary] : []));
  }

  /** Re-indexes every sweeps/<id>/sweep.json in storage; returns how many. */
  async rebuild(): Promise<number> {
    const keys = (await this.storage.list('sweeps/')).filter((k) => /^sweeps\/[^/]+\/sweep\.json$/.test(k));
    for (const key of keys) {
      const record = JSON.parse(new TextDecoder().decode(await this.storage.get(key))) as SweepRecord;
      await this.index(record);
    }
    return keys.length;
  }
}
