import type { Domain, SweepSpec } from './sweep-spec.js';

/** Default largest sweep a submit accepts (the orchestrator's FERMX_MAX_TRIALS overrides it). */
export const DEFAULT_MAX_SWEEP_TRIALS = 10_000;

/** A spec whose expansion would exceed the maximum; thrown before anything is enumerated. */
export class SweepTooLargeError extends Error {
  override readonly name = 'SweepTooLargeError';
  constructor(
    readonly trials: number,
    readonly maxTrials: number,
  ) {
    super(`the sweep expands to ${formatCount(trials)} trials; the maximum is ${formatCount(maxTrials)}`);
  }
}

/**
 * How many trials a spec expands to, computed from the axis sizes without enumerating anything
 * (an upper bound: configurations that repeat are enqueued once). Grid: variants × the product of
 * every axis's size. Random: variants × the product of the `grid` axes × (n + every extension).
 * Both × `repeats` (seed replicates).
 */
export function sweepTrialCount(spec: SweepSpec, extensions: readonly number[] = []): number {
  const variants = spec.models?.length ?? (spec.model ? 1 : 0);
  const domains = (Object.values(spec.parameters) as (Domain<unknown> | undefined)[]).filter((d): d is Domain<unknown> => d !== undefined);
  let count = variants * (spec.repeats ?? 1);
  if (spec.strategy.type === 'grid') {
    for (const d of domains) count *= domainSize(d);
    return count;
  }
  for (const d of domains) if (d.kind === 'grid') count *= d.values.length;
  return count * (spec.strategy.n + extensions.reduce((a, b) => a + b, 0));
}

/** Throws SweepTooLargeError when the spec (with its extensions) expands to more than maxTrials. */
export function assertSweepSize(spec: SweepSpec, maxTrials: number, extensions: readonly number[] = []): number {
  const count = sweepTrialCount(spec, extensions);
  if (count > maxTrials) throw new SweepTooLargeError(count, maxTrials);
  return count;
}

function domainSize(d: Domain<unknown>): number {
  switch (d.kind) {
    case 'fixed':
      return 1;
    case 'grid':
    case 'choice':
      return d.values.length;
    case 'int':
      return d.high - d.low + 1;
    default:
      // Continuous ranges cannot be enumerated (the schema rejects them under strategy grid).
      return Number.POSITIVE_INFINITY;
  }
}

/** 1000000000 → "1,000,000,000" (locale-independent). */
function formatCount(n: number): string {
  if (!Number.isFinite(n)) return 'unboundedly many';
  return n >= 1e21
    ? n.toExponential(2)
    : BigInt(Math.round(n))
        .toString()
        .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
