import { describe, expect, it } from 'vitest';
import type { SweepTransition } from '../sweeps/sweep-record.js';
import { describeTransition, dispatchText, transitionText } from './sweep-history.js';

const at = '2026-12-05T18:40:01.123Z';

describe('sweep history lines', () => {
  it('starts with the time to the second', () => {
    expect(describeTransition({ at, action: 'resumed', dispatched: 2 })).toBe('2026-12-05 18:40:01  resumed (2 trials dispatched)');
  });

  it.each<[SweepTransition, string]>([
    [{ at, action: 'paused', heldBack: 1 }, 'paused (1 queued trial held back; running ones finish)'],
    [{ at, action: 'paused', heldBack: 0 }, 'paused (0 queued trials held back; running ones finish)'],
    [{ at, action: 'resumed', dispatched: 1 }, 'resumed (1 trial dispatched)'],
    [{ at, action: 'extended', n: 1, added: 1, total: 5 }, 'extended by 1 per grid point (1 new trial, 5 in all)'],
    [{ at, action: 'retried', trialIds: ['t-a'] }, 'retried 1 trial: t-a'],
    [{ at, action: 'set', priority: 2, reprioritised: 1 }, 'set priority 2 (1 queued job changed)'],
    [{ at, action: 'cancelled', cancelled: 3 }, 'cancelled (3 trials)'],
  ])('counts in the singular for one: %j', (transition, text) => {
    expect(transitionText(transition)).toBe(text);
  });

  it('words the dispatch state as the sweep page does', () => {
    expect(dispatchText({ paused: true, maxConcurrent: 2, priority: 10, held: 5 })).toBe('paused · at most 2 at once · priority 10 · 5 held');
    expect(dispatchText({ paused: false, priority: 1, held: 0 })).toBe('dispatching · no concurrency cap · priority 1 · 0 held');
  });
});
