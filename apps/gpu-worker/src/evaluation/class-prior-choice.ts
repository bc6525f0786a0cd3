/**
 * The class prior a model's probabilities are read under: `trained`, the class mix of its train
 * split (no change); `uncapped`, the mix of every Training row its dataset's selection kept before
 * the per-class caps (class-prior.ts in @fermx/models; docs/RESULTS.md measures both). No heavy
 * imports here: `fermx --help` lists the choices without loading tfjs.
 */
export const CLASS_PRIORS = ['trained', 'uncapped'] as const;
export type ClassPrior = (typeof CLASS_PRIORS)[number];
