import { ParzenEstimator } from './parzen-estimator.js';
import { decode, encode, sampleUniform, type Dimension, type Point } from './space.js';

/** TPE settings; the defaults are Optuna's TPESampler's (multivariate). */
export interface TpeOptions {
  /** Observations needed before the model is used; random sampling until then. */
  startupTrials: number;
  /** Candidates drawn from l(x) per proposal; the best l(x)/g(x) wins. */
  candidates: number;
  /** Prior component weight of each Parzen estimator. */
  priorWeight: number;
  /** Size of the "good" group for n observations. */
  gamma: (n: number) => number;
}

export const DEFAULT_TPE_OPTIONS: TpeOptions = {
  startupTrials: 10,
  candidates: 24,
  priorWeight: 1,
  gamma: (n) => Math.min(Math.ceil(0.1 * n), 25),
};

/** One finished evaluation: the point and its loss (lower is better). */
export interface Observation {
  point: Point;
  loss: number;
}

/**
 * Suggests the next point: uniform while fewer than startupTrials observations exist, else TPE.
 * Observations are split at the gamma quantile into good (l) and bad (g) groups; `running`
 * points (proposed, not yet finished) join the bad group with the worst loss (constant liar), so
 * concurrent proposals spread out. Candidates are drawn from l and the one maximising
 * log l(x) − log g(x) is returned (rounded as `decode` rounds).
 */
export function suggest(
  space: readonly Dimension[],
  observations: readonly Observation[],
  running: readonly Point[],
  options: TpeOptions,
  random: () => number,
): { point: Point; by: 'random' | 'tpe' } {
  const usable = observations
    .filter((o) => Number.isFinite(o.loss))
    .flatMap((o) => {
      const x = encodePoint(space, o.point);
      return x ? [{ x, loss: o.loss }] : [];
    });
  if (usable.length < Math.max(1, options.startupTrials) || space.length === 0) return { point: sampleUniform(space, random), by: 'random' };
  const liars = running.flatMap((p) => {
    const x = encodePoint(space, p);
    return x ? [{ x, loss: Infinity }] : [];
  });
  // Stable sort: ties keep observation order, so the split is deterministic.
  const all = [...usable, ...liars].map((o, i) => ({ ...o, i })).sort((a, b) => a.loss - b.loss || a.i - b.i);
  const nGood = Math.max(1, Math.min(all.length - 1, options.gamma(all.length)));
  const byOrder = (a: { i: number }, b: { i: number }) => a.i - b.i;
  const good = all
    .slice(0, nGood)
    .sort(byOrder)
    .map((o) => o.x);
  const bad = all
    .slice(nGood)
    .sort(byOrder)
    .map((o) => o.x);
  const l = new ParzenEstimator(space, good, options);
  const g = new ParzenEstimator(space, bad, options);
  let best: { x: number[]; score: number } | undefined;
  for (let c = 0; c < options.candidates; c++) {
    // Round first, so the point scored is the point proposed.
    const x = encodePoint(space, decodePoint(space, l.sample(random)))!;
    const score = l.logPdf(x) - g.logPdf(x);
    if (!best || score > best.score) best = { x, score };
  }
  return { point: decodePoint(space, best!.x), by: 'tpe' };
}

export function encodePoint(space: readonly Dimension[], point: Point): number[] | undefined {
  const x: number[] = [];
  for (const d of space) {
    const v = encode(d, point[d.name]);
    if (v === undefined) return undefined;
    x.push(v);
  }
  return x;
}

export function decodePoint(space: readonly Dimension[], x: readonly number[]): Point {
  return Object.fromEntries(space.map((d, j) => [d.name, decode(d, x[j]!)]));
}
