import { describe, expect, it } from 'vitest';
import { decisionRandom } from './seeded.js';
import { sampleUniform, type Dimension } from './space.js';
import { DEFAULT_TPE_OPTIONS, suggest, type Observation } from './tpe.js';
import { branin, mixed, TEST_FUNCTIONS, type TestFunction } from './testing/test-functions.js';
import { observationWeights } from './parzen-estimator.js';

/** Sequential search of `budget` evaluations; returns the best value after each. */
function run(f: TestFunction, budget: number, seed: number, sampler: 'tpe' | 'random'): number[] {
  const observations: Observation[] = [];
  const best: number[] = [];
  for (let i = 0; i < budget; i++) {
    const random = decisionRandom(seed, i);
    const point = sampler === 'tpe' ? suggest(f.space, observations, [], DEFAULT_TPE_OPTIONS, random).point : sampleUniform(f.space, random);
    const loss = f.value(point);
    observations.push({ point, loss });
    best.push(Math.min(loss, best.at(-1) ?? Infinity));
  }
  return best;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('test functions', () => {
  it('have their known minima at the known optima', () => {
    expect(branin.value({ x1: Math.PI, x2: 2.275 })).toBeCloseTo(branin.optimum, 5);
    expect(
      TEST_FUNCTIONS.find((f) => f.name === 'hartmann6')!.value({ x1: 0.20169, x2: 0.150011, x3: 0.476874, x4: 0.275332, x5: 0.311652, x6: 0.6573 }),
    ).toBeCloseTo(-3.32237, 4);
    expect(TEST_FUNCTIONS.find((f) => f.name === 'rosenbrock4')!.value({ x1: 1, x2: 1, x3: 1, x4: 1 })).toBe(0);
    expect(mixed.value({ x: 1.3, r: 0.01, k: 11, cat: 'b' })).toBeCloseTo(0, 10);
  });
});

describe('suggest', () => {
  const space: Dimension[] = [
    { name: 'lr', kind: 'float', low: 1e-5, high: 1e-1, log: true },
    { name: 'n', kind: 'int', low: 1, high: 4 },
    { name: 'aug', kind: 'categorical', choices: ['paper', 'none'] },
  ];

  it('stays inside every domain and rounds floats to 4 significant digits', () => {
    const observations: Observation[] = [];
    for (let i = 0; i < 40; i++) {
      const { point } = suggest(space, observations, [], DEFAULT_TPE_OPTIONS, decisionRandom(3, i));
      expect(point.lr as number).toBeGreaterThanOrEqual(1e-5);
      expect(point.lr as number).toBeLessThanOrEqual(1e-1);
      expect(Number((point.lr as number).toPrecision(4))).toBe(point.lr);
      expect([1, 2, 3, 4]).toContain(point.n);
      expect(['paper', 'none']).toContain(point.aug);
      observations.push({ point, loss: Math.abs(Math.log10(point.lr as number) + 3) + (point.aug === 'none' ? 1 : 0) });
    }
  });

  it('samples uniformly before startupTrials observations, then from the model', () => {
    const observations: Observation[] = Array.from({ length: 9 }, (_, i) => ({ point: sampleUniform(space, decisionRandom(1, i)), loss: i }));
    expect(suggest(space, observations, [], DEFAULT_TPE_OPTIONS, decisionRandom(1, 99)).by).toBe('random');
    observations.push({ point: sampleUniform(space, decisionRandom(1, 9)), loss: 9 });
    expect(suggest(space, observations, [], DEFAULT_TPE_OPTIONS, decisionRandom(1, 99)).by).toBe('tpe');
  });

  it('is a pure function of its inputs and the random stream', () => {
    const observations: Observation[] = Array.from({ length: 20 }, (_, i) => ({ point: sampleUniform(mixed.space, decisionRandom(5, i)), loss: i % 7 }));
    const a = suggest(mixed.space, observations, [], DEFAULT_TPE_OPTIONS, decisionRandom(8, 1));
    const b = suggest(mixed.space, observations, [], DEFAULT_TPE_OPTIONS, decisionRandom(8, 1));
    expect(a).toEqual(b);
  });

  it('moves away from running trials (constant liar)', () => {
    const observations: Observation[] = Array.from({ length: 30 }, (_, i) => ({ point: { x1: -3 + (i % 10) * 0.01, x2: 12 }, loss: i < 10 ? 0 : 50 }));
    const alone = suggest(branin.space, observations, [], DEFAULT_TPE_OPTIONS, decisionRandom(2, 0)).point;
    const running = Array.from({ length: 40 }, () => ({ ...alone }));
    const withLiars = suggest(branin.space, observations, running, DEFAULT_TPE_OPTIONS, decisionRandom(2, 0)).point;
    expect(withLiars).not.toEqual(alone);
  });

  it('finds better points than random search on every test function (median of 9 seeds, 60 evaluations)', () => {
    for (const f of TEST_FUNCTIONS) {
      const tpe = median(Array.from({ length: 9 }, (_, s) => run(f, 60, 100 + s, 'tpe').at(-1)!));
      const random = median(Array.from({ length: 9 }, (_, s) => run(f, 60, 100 + s, 'random').at(-1)!));
      expect(tpe, f.name).toBeLessThan(random);
    }
  });
});

describe('observationWeights', () => {
  it('is flat below 25 observations and ramps the oldest down after', () => {
    expect(observationWeights(3)).toEqual([1, 1, 1]);
    const w = observationWeights(30);
    expect(w).toHaveLength(30);
    expect(w[0]).toBeCloseTo(1 / 30);
    expect(w.slice(5)).toEqual(Array(25).fill(1));
    expect(w[4]).toBeLessThanOrEqual(1);
  });
});
