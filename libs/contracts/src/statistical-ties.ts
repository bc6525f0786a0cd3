/**
 * Noise-aware ranking (docs/ORCHESTRATOR.md, "Noise-aware ranking"). Two trials evaluated on the
 * same val set of n images are "statistically tied" when a two-sided, pooled two-proportion z-test
 * at the 5 % level cannot tell their accuracies apart. The test treats the two evaluations as
 * independent; on the same images, the two models' right/wrong answers are positively correlated,
 * so the true variance of the difference is smaller and the test errs towards "tied" (it never
 * declares a winner the data does not support). McNemar's paired test would be sharper but needs
 * per-image predictions, which results do not keep; `fermx compare` runs it on two saved models
 * (paired-comparison.ts).
 */
export const TIE_Z = 1.959964;

/** One accuracy and the images it was measured on. */
export interface Proportion {
  accuracy: number;
  count: number;
}

/** True when the two accuracies do not differ significantly (|z| < 1.96, pooled two-proportion test). */
export function statisticallyTied(a: Proportion, b: Proportion, z = TIE_Z): boolean {
  if (!(a.count > 0) || !(b.count > 0)) return true;
  const pooled = (a.accuracy * a.count + b.accuracy * b.count) / (a.count + b.count);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / a.count + 1 / b.count));
  const diff = Math.abs(a.accuracy - b.accuracy);
  if (se === 0) return diff === 0;
  return diff / se < z;
}

/** A row as the tie marking needs it: which val set (dataset), its accuracy and image count. */
export interface TieCandidate {
  trialId: string;
  dataset: string;
  valAccuracy: number;
  /** Val images behind valAccuracy; rows indexed before it was recorded lack it. */
  valCount?: number;
}

/**
 * For every row: true when it is the best of its dataset (highest val accuracy) or statistically
 * tied with that best, false when significantly worse, null when a count is missing (the row or
 * the best was indexed before val counts were recorded: `fermx leaderboard rebuild` adds them).
 * Rows are compared only with rows of the same dataset (the same val images).
 */
export function tiesWithBest(rows: readonly TieCandidate[]): Map<string, boolean | null> {
  const best = new Map<string, TieCandidate>();
  for (const row of rows) {
    const current = best.get(row.dataset);
    if (!current || row.valAccuracy > current.valAccuracy) best.set(row.dataset, row);
  }
  const out = new Map<string, boolean | null>();
  for (const row of rows) {
    const top = best.get(row.dataset)!;
    if (row.valAccuracy === top.valAccuracy) out.set(row.trialId, true);
    else if (row.valCount === undefined || top.valCount === undefined) out.set(row.trialId, null);
    else out.set(row.trialId, statisticallyTied({ accuracy: row.valAccuracy, count: row.valCount }, { accuracy: top.valAccuracy, count: top.valCount }));
  }
  return out;
}
