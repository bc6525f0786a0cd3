import { coordinateBounds, type Dimension } from './space.js';
import { sampleTruncatedNormal, truncatedNormalLogPdf } from './truncated-normal.js';

export interface ParzenOptions {
  /** Weight of the prior component (a wide kernel at the centre of each range / uniform choices). */
  priorWeight: number;
}

/**
 * A multivariate Parzen estimator over encoded points (Optuna's TPE with multivariate=true): one
 * product kernel per observation plus a prior component. Numeric coordinates get truncated normal
 * kernels of bandwidth 0.2·n^(-1/(d+4))·range (clipped to [range/min(100, n+1), range]);
 * categoricals get, per component, weight 1 on the observed choice plus priorWeight/(n+1) on each.
 * Older observations weigh less once there are more than 25 (Optuna's default_weights).
 */
export class ParzenEstimator {
  private readonly logWeights: number[];
  private readonly weights: number[];
  /** Per component, per dimension: mu/sigma (numeric) or log probabilities (categorical). */
  private readonly kernels: Kernel[][];

  constructor(
    private readonly space: readonly Dimension[],
    points: readonly number[][],
    options: ParzenOptions,
  ) {
    const n = points.length;
    const raw = [...observationWeights(n), options.priorWeight];
    const total = raw.reduce((a, b) => a + b, 0);
    this.weights = raw.map((w) => w / total);
    this.logWeights = this.weights.map((w) => Math.log(w));
    const perDimension = space.map((d, j) =>
      kernelsFor(
        d,
        points.map((p) => p[j]!),
        options.priorWeight,
        space.length,
      ),
    );
    this.kernels = raw.map((_, k) => perDimension.map((column) => column[k]!));
  }

  /** One encoded point drawn from the mixture. */
  sample(random: () => number): number[] {
    let u = random();
    let k = 0;
    while (k < this.weights.length - 1 && u >= this.weights[k]!) u -= this.weights[k++]!;
    return this.space.map((d, j) => sampleKernel(d, this.kernels[k]![j]!, random));
  }

  /** log density of an encoded point. */
  logPdf(x: readonly number[]): number {
    const terms = this.kernels.map((component, k) => {
      let sum = this.logWeights[k]!;
      for (let j = 0; j < this.space.length; j++) sum += kernelLogPdf(component[j]!, x[j]!);
      return sum;
    });
    return logSumExp(terms);
  }
}

/** A numeric kernel carries its truncated normal's log normaliser, so evaluating it is one square. */
type Kernel = { mu: number; sigma: number; logNorm: number } | { logProbabilities: number[] };

/** Optuna's default_weights: flat up to 25 observations, then a ramp from 1/n for the oldest. */
export function observationWeights(n: number): number[] {
  if (n === 0) return [];
  if (n < 25) return Array.from({ length: n }, () => 1);
  const ramp = n - 25;
  return [...Array.from({ length: ramp }, (_, i) => (ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1))), ...Array.from({ length: 25 }, () => 1)];
}

function kernelsFor(d: Dimension, column: number[], priorWeight: number, dimensions: number): Kernel[] {
  const n = column.length;
  if (d.kind === 'categorical') {
    const m = d.choices.length;
    const base = priorWeight / (n + 1);
    const observed = column.map((index) => {
      const row = Array.from({ length: m }, (_, c) => base + (c === index ? 1 : 0));
      const sum = row.reduce((a, b) => a + b, 0);
      return { logProbabilities: row.map((p) => Math.log(p / sum)) };
    });
    return [...observed, { logProbabilities: Array.from({ length: m }, () => -Math.log(m)) }];
  }
  const { low, high } = coordinateBounds(d);
  const range = high - low;
  const sigma = Math.min(range, Math.max(range / Math.min(100, n + 1), 0.2 * Math.max(n, 1) ** (-1 / (dimensions + 4)) * range));
  const kernel = (mu: number, s: number) => ({ mu, sigma: s, logNorm: truncatedNormalLogPdf(mu, mu, s, low, high) });
  return [...column.map((mu) => kernel(mu, sigma)), kernel((low + high) / 2, range)];
}

function sampleKernel(d: Dimension, kernel: Kernel, random: () => number): number {
  if ('logProbabilities' in kernel) {
    let u = random();
    for (let c = 0; c < kernel.logProbabilities.length; c++) {
      u -= Math.exp(kernel.logProbabilities[c]!);
      if (u < 0) return c;
    }
    return kernel.logProbabilities.length - 1;
  }
  const { low, high } = coordinateBounds(d as Exclude<Dimension, { kind: 'categorical' }>);
  return sampleTruncatedNormal(random, kernel.mu, kernel.sigma, low, high);
}

function kernelLogPdf(kernel: Kernel, x: number): number {
  if ('logProbabilities' in kernel) return kernel.logProbabilities[x] ?? -Infinity;
  // Callers pass in-range coordinates (encode clips), so the truncation only enters through logNorm.
  const z = (x - kernel.mu) / kernel.sigma;
  return kernel.logNorm - 0.5 * z * z;
}

export function logSumExp(values: readonly number[]): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}
