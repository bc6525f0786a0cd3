import type { Dimension, Point } from '../space.js';

/**
 * Standard optimisation test functions with known minima, over named dimensions, for the search
 * benchmark and the sampler's tests. `value` is minimised.
 */
export interface TestFunction {
  name: string;
  space: Dimension[];
  /** Global minimum. */
  optimum: number;
  value(point: Point): number;
}

const num = (p: Point, k: string) => p[k] as number;

/** Branin-Hoo on x1 ∈ [-5, 10], x2 ∈ [0, 15]; minimum 0.397887 (three places). */
export const branin: TestFunction = {
  name: 'branin',
  space: [
    { name: 'x1', kind: 'float', low: -5, high: 10, log: false },
    { name: 'x2', kind: 'float', low: 0, high: 15, log: false },
  ],
  optimum: 0.397887,
  value(p) {
    const x1 = num(p, 'x1');
    const x2 = num(p, 'x2');
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
  },
};

const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];
const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886],
  [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
  [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.665],
  [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381],
];

/** Hartmann-6 on [0, 1]^6; minimum −3.32237. */
export const hartmann6: TestFunction = {
  name: 'hartmann6',
  space: Array.from({ length: 6 }, (_, i) => ({ name: `x${i + 1}`, kind: 'float' as const, low: 0, high: 1, log: false })),
  optimum: -3.32237,
  value(p) {
    let sum = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += H6_A[i]![j]! * (num(p, `x${j + 1}`) - H6_P[i]![j]!) ** 2;
      sum += H6_ALPHA[i]! * Math.exp(-inner);
    }
    return -sum;
  },
};

/** Rosenbrock in 4 dimensions on [-2, 2]^4; minimum 0 at (1, 1, 1, 1). */
export const rosenbrock4: TestFunction = {
  name: 'rosenbrock4',
  space: Array.from({ length: 4 }, (_, i) => ({ name: `x${i + 1}`, kind: 'float' as const, low: -2, high: 2, log: false })),
  optimum: 0,
  value(p) {
    let sum = 0;
    for (let i = 1; i < 4; i++) sum += 100 * (num(p, `x${i + 1}`) - num(p, `x${i}`) ** 2) ** 2 + (1 - num(p, `x${i}`)) ** 2;
    return sum;
  },
};

const MIXED_OFFSETS: Record<string, number> = { a: 1.5, b: 0, c: 0.8, d: 2.5 };

/**
 * Mixed continuous, log-scale, integer and categorical: a shifted quadratic in x ∈ [-5, 5] and
 * log10(r) (r ∈ [1e-4, 1]), a step in an integer k ∈ [1, 16], plus a per-category offset;
 * minimum 0 at x = 1.3, r = 1e-2, k = 11, cat = b.
 */
export const mixed: TestFunction = {
  name: 'mixed',
  space: [
    { name: 'x', kind: 'float', low: -5, high: 5, log: false },
    { name: 'r', kind: 'float', low: 1e-4, high: 1, log: true },
    { name: 'k', kind: 'int', low: 1, high: 16 },
    { name: 'cat', kind: 'categorical', choices: ['a', 'b', 'c', 'd'] },
  ],
  optimum: 0,
  value(p) {
    const x = num(p, 'x');
    const r = Math.log10(num(p, 'r')) + 2;
    const k = num(p, 'k') - 11;
    return (x - 1.3) ** 2 + 2 * r * r + 0.1 * k * k + MIXED_OFFSETS[p.cat as string]!;
  },
};

export const TEST_FUNCTIONS: readonly TestFunction[] = [branin, hartmann6, rosenbrock4, mixed];
