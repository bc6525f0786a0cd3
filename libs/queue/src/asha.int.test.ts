import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SuccessiveHalving } from './asha.js';
import { liveRedis } from './testing/live-redis.js';

const live = liveRedis();
const keys = { prefix: `test-${randomUUID()}` };

describe('SuccessiveHalving with a minimised objective', () => {
  it('keeps the lowest values (val_loss) and lists rungs lowest first', async () => {
    const asha = new SuccessiveHalving(live.redis, keys);
    const halving = { rungs: [2], reductionFactor: 2 };
    await asha.configure('loss', halving, 'min');
    expect(await asha.goal('loss')).toBe('min');
    expect(await asha.reportRung('loss', 'a', 2, 0.9)).toBe('continue');
    // Lower is better: b at 0.5 beats a; c at 1.2 has two better of 3 → stop.
    expect(await asha.reportRung('loss', 'b', 2, 0.5)).toBe('continue');
    expect(await asha.reportRung('loss', 'c', 2, 1.2)).toBe('stop');
    expect((await asha.rungs('loss'))[0]!.trials.map((t) => t.trialId)).toEqual(['b', 'a', 'c']);
  });

  it('takes the goal from the caller when given, and maximises by default', async () => {
    const asha = new SuccessiveHalving(live.redis, keys);
    const halving = { rungs: [1], reductionFactor: 2 };
    await asha.configure('acc', halving);
    expect(await asha.goal('acc')).toBe('max');
    await asha.reportRung('acc', 'a', 1, 0.5, halving, 'max');
    expect(await asha.reportRung('acc', 'b', 1, 0.4, halving, 'max')).toBe('stop');
    expect(await asha.reportRung('acc', 'c', 1, 0.3, halving, 'min')).toBe('continue');
  });
});
