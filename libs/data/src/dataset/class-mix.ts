import type { Manifest } from '../build/manifest.js';

/** Images per class, in the manifest's class order. */
export type ClassCounts = Record<string, number>;

/** A model's training class mix and its dataset's mix before the per-class caps. */
export interface ClassMixes {
  train: ClassCounts;
  uncapped: ClassCounts;
}

/**
 * The class mix a dataset's models are trained on (its train split) and the mix of every
 * Training row the selection kept before its per-class caps (train + val + capped: val is drawn
 * from the capped pool). The second is the class frequency of the selection in the wild, learnt
 * from Training rows only, so a model can be re-aimed at it without looking at a split it is
 * evaluated on. Undefined when no class was capped: the train split already has that mix.
 */
export function trainingClassMixes(manifest: Manifest): ClassMixes | undefined {
  // Manifests written by hand (test fixtures) may lack `rows`.
  const capped = (manifest.rows as Manifest['rows'] | undefined)?.capped ?? {};
  if (!Object.values(capped).some((n) => n > 0)) return undefined;
  const train = manifest.splits.train?.perClass ?? {};
  const val = manifest.splits.val?.perClass ?? {};
  const of = (counts: ClassCounts, name: string) => counts[name] ?? 0;
  return {
    train: Object.fromEntries(manifest.classes.map((name) => [name, of(train, name)])),
    uncapped: Object.fromEntries(manifest.classes.map((name) => [name, of(train, name) + of(val, name) + of(capped, name)])),
  };
}
