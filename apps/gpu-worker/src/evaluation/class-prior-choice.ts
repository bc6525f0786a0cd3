import { UsageError } from '@fermx/cli';

/**
 * The class prior a model's probabilities are read under: `trained`, the class mix of its train
 * split (no change); `uncapped`, the mix of every Training row its dataset's selection kept before
 * the per-class caps (class-prior.ts in @fermx/models; docs/RESULTS.md measures both). No heavy
 * imports here: `fermx --help` lists the choices without loading tfjs.
 */
export const CLASS_PRIORS = ['trained', 'uncapped'] as const;
export type ClassPrior = (typeof CLASS_PRIORS)[number];

/** The `--class-prior` flag's value (undefined when not given); an unknown one is a usage error. */
export function parseClassPrior(value: unknown): ClassPrior | undefined {
  if (value === undefined) return undefined;
  if (!CLASS_PRIORS.includes(value as ClassPrior)) throw new UsageError(`--class-prior must be one of ${CLASS_PRIORS.join(', ')}, got '${String(value)}'`);
  return value as ClassPrior;
}
