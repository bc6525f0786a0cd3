import type { BestEpochMetric, BestEpoch } from './train-options.js';

/** Whether an epoch beats the best so far by `by` (ties keep the earlier epoch). */
export function improvesOn(candidate: BestEpoch, best: BestEpoch | undefined, by: BestEpochMetric = 'val_accuracy'): boolean {
  if (!best) return true;
  if (by === 'val_loss') return candidate.valLoss < best.valLoss;
  return candidate.valAccuracy > best.valAccuracy || (candidate.valAccuracy === best.valAccuracy && candidate.valLoss < best.valLoss);
}
