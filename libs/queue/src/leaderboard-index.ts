import type { Redis } from 'ioredis';
import { compareRows, leaderboardRow, runKeys, TrialResultSchema, type LeaderboardRow, type TrialResult } from '@fermx/contracts';
import type { Storage } from '@fermx/data';
import { resolveKeySpace, type KeySpace } from './names.js';
import { TrialOwners } from './trial-owners.js';

export interface LeaderboardQuery {
  sweepId?: string;
  /** Dataset URI (trailing slashes ignored). */
  dataset?: string;
  /** Architecture, e.g. `mxception`. */
  model?: string;
  status?: TrialResult['status'];
  limit?: number;
}

export interface RebuildReport {
  indexed: number;
  /** result.json files that could not be read or parsed, with why. */
  skipped: { key: string; reason: string }[];
}

const CHUNK = 500;

/**
 * Redis index of finished trials, one row per trialId (so a retried or twice-reported trial is
 * counted once), scored by val accuracy in sorted sets: all, per sweep, per dataset. Storage
 * (`runs/<sweepId>/<trialId>/result.json`) is the source of truth; `rebuild` recreates the index.
 */
export class LeaderboardIndex {
  private readonly prefix: string;
  private readonly owners: TrialOwners;

  constructor(
    private readonly redis: Redis,
    keys: KeySpace = {},
  ) {
    this.prefix = `${resolveKeySpace(keys).prefix}:lb`;
    this.owners = new TrialOwners(redis, keys);
  }

  private rowKey(trialId: string): string {
    return `${this.prefix}:row:${trialId}`;
  }

  private setKeys(row: Pick<LeaderboardRow, 'sweepId' | 'dataset'>): string[] {
    return [`${this.prefix}:all`, `${this.prefix}:sweep:${row.sweepId}`, `${this.prefix}:dataset:${normaliseUri(row.dataset)}`];
  }

  /**
   * Inserts or replaces the row of result.trialId. Idempotent. The row is listed under its own
   * sweep and under every other sweep that owns the same trial (TrialOwners).
   */
  async upsert(result: TrialResult): Promise<LeaderboardRow> {
    // Non-finite figures (NaN weights, a diverged loss) never rank: the schema's numbers are finite.
    const parsed = TrialResultSchema.safeParse(result);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`result of trial ${String((result as { trialId?: unknown }).trialId)} not indexed: ${fields}`);
    }
    const row = leaderboardRow(parsed.data);
    const [previous, owners] = await Promise.all([this.redis.get(this.rowKey(row.trialId)), this.owners.of(row.trialId)]);
    const tx = this.redis.multi();
    if (previous) {
      // The trial moved sweep or dataset (a re-run under another sweep): drop its old memberships.
      for (const key of this.setKeys(JSON.parse(previous) as LeaderboardRow)) tx.zrem(key, row.trialId);
    }
    tx.set(this.rowKey(row.trialId), JSON.stringify(row));
    for (const key of this.setKeys(row)) tx.zadd(key, row.valAccuracy, row.trialId);
    for (const owner of owners) if (owner !== row.sweepId) tx.zadd(`${this.prefix}:sweep:${owner}`, row.valAccuracy, row.trialId);
    await tx.exec();
    return row;
  }

  /** Lists trials that already have a row under another sweep that now owns them too. */
  async addToSweep(sweepId: string, trialIds: readonly string[]): Promise<number> {
    const rows = (await this.getMany(trialIds)).filter((row): row is LeaderboardRow => row !== undefined);
    if (rows.length === 0) return 0;
    const tx = this.redis.multi();
    for (const row of rows) tx.zadd(`${this.prefix}:sweep:${sweepId}`, row.valAccuracy, row.trialId);
    await tx.exec();
    return rows.length;
  }

  async get(trialId: string): Promise<LeaderboardRow | undefined> {
    const raw = await this.redis.get(this.rowKey(trialId));
    return raw ? (JSON.parse(raw) as LeaderboardRow) : undefined;
  }

  /** Rows of several trials (undefined where a trial has no result yet). */
  async getMany(trialIds: readonly string[]): Promise<(LeaderboardRow | undefined)[]> {
    const out: (LeaderboardRow | undefined)[] = [];
    for (let i = 0; i < trialIds.length; i += CHUNK) {
      const chunk = trialIds.slice(i, i + CHUNK);
      if (chunk.length === 0) continue;
      const raws = await this.redis.mget(chunk.map((id) => this.rowKey(id)));
      for (const raw of raws) out.push(raw ? (JSON.parse(raw) as LeaderboardRow) : undefined);
    }
    return out;
  }

  /** Rows sorted best first (val accuracy desc), ranked from 1. */
  async query(query: LeaderboardQuery = {}): Promise<LeaderboardRow[]> {
    const set = query.sweepId
      ? `${this.prefix}:sweep:${query.sweepId}`
      : query.dataset
        ? `${this.prefix}:dataset:${normaliseUri(query.dataset)}`
        : `${this.prefix}:all`;
    const ids = await this.redis.zrevrange(set, 0, -1);
    const rows = (await this.getMany(ids)).filter((row): row is LeaderboardRow => {
      if (!row) return false;
      if (query.dataset && normaliseUri(row.dataset) !== normaliseUri(query.dataset)) return false;
      if (query.model && row.model !== query.model) return false;
      if (query.status && row.status !== query.status) return false;
      return true;
    });
    rows.sort(compareRows);
    const limited = query.limit ? rows.slice(0, query.limit) : rows;
    return limited.map((row, i) => ({ ...row, rank: i + 1 }));
  }

  /** Drops the index and re-reads every result.json under runs/ in storage. */
  async rebuild(storage: Storage, options: { concurrency?: number } = {}): Promise<RebuildReport> {
    const keys = (await storage.list(runKeys.root)).filter((key) => runKeys.parseResult(key) !== undefined);
    const results: TrialResult[] = [];
    const skipped: RebuildReport['skipped'] = [];
    let next = 0;
    const reader = async () => {
      while (next < keys.length) {
        const key = keys[next++]!;
        try {
          const parsed = TrialResultSchema.safeParse(JSON.parse(new TextDecoder().decode(await storage.get(key))));
          if (parsed.success) results.push(parsed.data);
          else skipped.push({ key, reason: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        } catch (error) {
          skipped.push({ key, reason: (error as Error).message });
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency ?? 16 }, reader));
    await this.clear();
    for (const result of results) await this.upsert(result);
    return { indexed: results.length, skipped };
  }

  /** Removes every key of the index. */
  async clear(): Promise<void> {
    let cursor = '0';
    do {
      const [nextCursor, found] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}:*`, 'COUNT', 1000);
      cursor = nextCursor;
      if (found.length) await this.redis.unlink(...found);
    } while (cursor !== '0');
  }
}

function normaliseUri(uri: string): string {
  return uri.replace(/\/+$/, '');
}
