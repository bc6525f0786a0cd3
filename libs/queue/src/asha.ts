import type { Redis } from 'ioredis';
import type { Halving } from '@fermx/contracts';
import { resolveKeySpace, type KeySpace } from './names.js';

export type RungDecision = 'continue' | 'stop';

/**
 * ASHA's rule at one rung: continue when at most ceil(n / eta) - 1 of the n trials that reached
 * the rung so far did strictly better (the first trial at a rung always continues, as in Ray
 * Tune's asynchronous variant; ties continue).
 */
export function rungDecision(betterCount: number, reachedCount: number, reductionFactor: number): RungDecision {
  const keep = Math.max(1, Math.ceil(reachedCount / reductionFactor));
  return betterCount < keep ? 'continue' : 'stop';
}

/** Asynchronous successive halving shared by all workers through Redis sorted sets (one per rung). */
export class SuccessiveHalving {
  private readonly prefix: string;

  constructor(private readonly redis: Redis, keys: KeySpace = {}) {
    this.prefix = `${resolveKeySpace(keys).prefix}:asha`;
  }

  /** Stores a sweep's halving rule so workers may call reportRung without it. */
  async configure(sweepId: string, halving: Halving): Promise<void> {
    await this.redis.set(`${this.prefix}:${sweepId}:rule`, JSON.stringify(halving));
  }

  async rule(sweepId: string): Promise<Halving | undefined> {
    const raw = await this.redis.get(`${this.prefix}:${sweepId}:rule`);
    return raw ? (JSON.parse(raw) as Halving) : undefined;
  }

  /**
   * Records `metric` for the trial at `epoch` and decides. Epochs that are not rungs, and sweeps
   * without halving, always continue. Re-reporting (a resumed trial) replaces the earlier value.
   */
  async reportRung(sweepId: string, trialId: string, epoch: number, metric: number, halving?: Halving): Promise<RungDecision> {
    const rule = halving ?? (await this.rule(sweepId));
    if (!rule || !rule.rungs.includes(epoch) || !Number.isFinite(metric)) return 'continue';
    const key = `${this.prefix}:${sweepId}:rung:${epoch}`;
    const replies = await this.redis.multi().zadd(key, metric, trialId).zcard(key).zcount(key, `(${metric}`, '+inf').exec();
    if (!replies) throw new Error('successive halving transaction was aborted');
    const [, reached] = replies[1]!;
    const [, better] = replies[2]!;
    return rungDecision(Number(better), Number(reached), rule.reductionFactor);
  }

  /** The metrics recorded at each rung of a sweep, best first. */
  async rungs(sweepId: string): Promise<{ epoch: number; trials: { trialId: string; metric: number }[] }[]> {
    const rule = await this.rule(sweepId);
    if (!rule) return [];
    const out = [];
    for (const epoch of rule.rungs) {
      const flat = await this.redis.zrevrange(`${this.prefix}:${sweepId}:rung:${epoch}`, 0, -1, 'WITHSCORES');
      const trials = [];
      for (let i = 0; i < flat.length; i += 2) trials.push({ trialId: flat[i]!, metric: Number(flat[i + 1]) });
      out.push({ epoch, trials });
    }
    return out;
  }
}
