import type { Redis } from 'ioredis';
import type { Halving } from '@fermx/contracts';
import { resolveKeySpace, type KeySpace } from './names.js';

export type RungDecision = 'continue' | 'stop';
/** Whether a sweep's objective is maximised or minimised. */
export type Goal = 'max' | 'min';

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

  constructor(
    private readonly redis: Redis,
    keys: KeySpace = {},
  ) {
    this.prefix = `${resolveKeySpace(keys).prefix}:asha`;
  }

  /** Stores a sweep's halving rule and its objective's goal so workers may call reportRung without them. */
  async configure(sweepId: string, halving: Halving, goal: Goal = 'max'): Promise<void> {
    await this.redis.multi().set(`${this.prefix}:${sweepId}:rule`, JSON.stringify(halving)).set(`${this.prefix}:${sweepId}:goal`, goal).exec();
  }

  /** Whether the sweep's objective is maximised (the default) or minimised. */
  async goal(sweepId: string): Promise<Goal> {
    return (await this.redis.get(`${this.prefix}:${sweepId}:goal`)) === 'min' ? 'min' : 'max';
  }

  async rule(sweepId: string): Promise<Halving | undefined> {
    const raw = await this.redis.get(`${this.prefix}:${sweepId}:rule`);
    return raw ? (JSON.parse(raw) as Halving) : undefined;
  }

  /**
   * Records `metric` (the sweep's objective, summarised over the epochs so far) for the trial at
   * `epoch` and decides; "better" follows the goal (higher for max, lower for min). Epochs that
   * are not rungs, sweeps without halving and a missing (non-finite) value always continue.
   * Re-reporting (a resumed trial) replaces the earlier value.
   */
  async reportRung(sweepId: string, trialId: string, epoch: number, metric: number, halving?: Halving, goal?: Goal): Promise<RungDecision> {
    const rule = halving ?? (await this.rule(sweepId));
    if (!rule || !rule.rungs.includes(epoch) || !Number.isFinite(metric)) return 'continue';
    const direction = goal ?? (await this.goal(sweepId));
    const key = `${this.prefix}:${sweepId}:rung:${epoch}`;
    const [min, max] = direction === 'max' ? [`(${metric}`, '+inf'] : ['-inf', `(${metric}`];
    const replies = await this.redis.multi().zadd(key, metric, trialId).zcard(key).zcount(key, min, max).exec();
    if (!replies) throw new Error('successive halving transaction was aborted');
    const [, reached] = replies[1]!;
    const [, better] = replies[2]!;
    return rungDecision(Number(better), Number(reached), rule.reductionFactor);
  }

  /** The metrics recorded at each rung of a sweep, best first for the sweep's goal. */
  async rungs(sweepId: string): Promise<{ epoch: number; trials: { trialId: string; metric: number }[] }[]> {
    const rule = await this.rule(sweepId);
    if (!rule) return [];
    const goal = await this.goal(sweepId);
    const out = [];
    for (const epoch of rule.rungs) {
      const key = `${this.prefix}:${sweepId}:rung:${epoch}`;
      const flat = goal === 'max' ? await this.redis.zrevrange(key, 0, -1, 'WITHSCORES') : await this.redis.zrange(key, 0, -1, 'WITHSCORES');
      const trials = [];
      for (let i = 0; i < flat.length; i += 2) trials.push({ trialId: flat[i]!, metric: Number(flat[i + 1]) });
      out.push({ epoch, trials });
    }
    return out;
  }
}
