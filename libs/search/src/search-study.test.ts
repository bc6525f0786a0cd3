import { describe, expect, it } from 'vitest';
import { replaySearch, SearchStudy, type SearchConfig, type SearchEvent } from './search-study.js';
import type { Point } from './space.js';
import { branin } from './testing/test-functions.js';

const idOf = (cell: number, point: Point) => `t-${cell}-${JSON.stringify(point)}`;

const config = (over: Partial<SearchConfig> = {}): SearchConfig => ({
  cells: [branin.space],
  n: 30,
  maxConcurrent: 3,
  seed: 11,
  goal: 'min',
  budgets: ['final'],
  tpe: { startupTrials: 5 },
  ...over,
});

/** Runs a search to the end: trials finish oldest first (completion order), each told branin's value. */
function simulate(c: SearchConfig, tamper: (e: SearchEvent) => SearchEvent = (e) => e): SearchStudy & { maxRunning: number } {
  const study = Object.assign(new SearchStudy(c), { maxRunning: 0 });
  const running: { trialId: string; params: Point }[] = [];
  const apply = (e: SearchEvent) => {
    study.apply(tamper(e));
    study.maxRunning = Math.max(study.maxRunning, study.running().length);
  };
  while (!study.done()) {
    while (study.freeSlots() > 0) {
      const e = study.propose(idOf);
      if (!e) break;
      apply(e);
      if (e.type === 'ask') running.push({ trialId: e.trialId, params: e.params });
    }
    const next = running.shift();
    if (!next) break;
    apply({ type: 'tell', trialId: next.trialId, budget: 'final', value: branin.value(next.params) });
    apply({ type: 'end', trialId: next.trialId, status: 'completed' });
  }
  return study;
}

describe('SearchStudy', () => {
  it('makes n proposals, never more than maxConcurrent running, all with distinct trial ids', () => {
    const study = simulate(config());
    expect(study.maxRunning).toBe(3);
    const asks = study.events.filter((e) => e.type === 'ask');
    expect(asks).toHaveLength(30);
    expect(new Set(asks.map((e) => e.trialId)).size).toBe(30);
    expect(study.running()).toEqual([]);
    expect(asks.filter((e) => e.type === 'ask' && e.by === 'tpe').length).toBeGreaterThan(20);
  });

  it('gives the same proposals for the same seed and completion order, others for another seed', () => {
    const a = simulate(config()).events;
    const b = simulate(config()).events;
    expect(b).toEqual(a);
    expect(simulate(config({ seed: 12 })).events).not.toEqual(a);
  });

  it('replays its log: every proposal re-derived from the events before it, and a tampered log is caught', () => {
    const events = simulate(config()).events;
    expect(replaySearch(config(), events, idOf)).toEqual([]);
    // Results told in reverse (worst looks best) from the 10th event on: the recorded proposals no longer follow.
    const tampered = events.map((e, i) => (i >= 10 && e.type === 'tell' ? { ...e, value: -e.value } : e));
    expect(replaySearch(config(), tampered, idOf).length).toBeGreaterThan(0);
  });

  it('resamples a proposal whose trial id exists, and marks a cell exhausted when none is new', () => {
    const tiny = config({ cells: [[{ name: 'c', kind: 'categorical', choices: ['a', 'b'] }]], n: 5, maxConcurrent: 5, tpe: { startupTrials: 1 } });
    const study = new SearchStudy(tiny);
    const out: SearchEvent[] = [];
    for (let e = study.propose(idOf); e; e = study.propose(idOf)) {
      study.apply(e);
      out.push(e);
    }
    expect(
      out
        .slice(0, 2)
        .map((e) => e.type === 'ask' && e.params.c)
        .sort(),
    ).toEqual(['a', 'b']);
    expect(out.slice(2)).toEqual([{ type: 'exhausted', cell: 0 }]);
    expect(study.remaining()).toBe(0);
  });

  it('counts running trials as liars and fits the model on the largest budget with enough results (BOHB)', () => {
    const c = config({ budgets: [1, 'final'], tpe: { startupTrials: 3 }, maxConcurrent: 10 });
    const study = new SearchStudy(c);
    for (let i = 0; i < 4; i++) {
      const e = study.propose(idOf)!;
      study.apply(e);
      if (e.type === 'ask') study.apply({ type: 'tell', trialId: e.trialId, budget: 1, value: branin.value(e.params) });
    }
    // Four results at rung 1, none final: the model is fit on rung 1, so the next proposal is TPE's.
    const next = study.propose(idOf)!;
    expect(next.type === 'ask' && next.by).toBe('tpe');
    expect(study.running()).toHaveLength(4);
  });

  it('does not count manual trials against n and seeds the model with warm-start results', () => {
    const study = new SearchStudy(config({ n: 2, tpe: { startupTrials: 2 } }), [
      { type: 'warm', trialId: 'w1', cell: 0, params: { x1: 3, x2: 2 }, value: 0.5 },
      { type: 'warm', trialId: 'w2', cell: 0, params: { x1: -4, x2: 14 }, value: 100 },
      { type: 'ask', trialId: 'm1', cell: 0, params: { x1: 0, x2: 0 }, by: 'manual' },
    ]);
    expect(study.remaining()).toBe(2);
    const e = study.propose(idOf)!;
    expect(e.type === 'ask' && e.by).toBe('tpe');
  });
});
