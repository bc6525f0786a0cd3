import { FERPLUS_COLUMNS } from '../fer2013/emotions.js';
import type { LabelledImages } from './image-set.js';

export class MissingVotesError extends Error {
  override readonly name = 'MissingVotesError';
}

/**
 * Soft training targets from FER+ votes (Barsoum et al. 2016, "probability" training): each
 * image's votes for the set's classes, renormalised to sum to 1; votes for other columns
 * (other emotions, unknown, not-a-face) are dropped. An image with no vote for any of the classes
 * keeps its one-hot label. Returns count × classes.
 */
export function voteTargets(set: LabelledImages, source = 'dataset'): Float32Array {
  const { votes, classes } = set;
  if (!votes) throw new MissingVotesError(`${source} has no FER+ votes (build it with --ferplus); targets=ferplus-votes needs them`);
  const columns = classes.map((name) => {
    const column = (FERPLUS_COLUMNS as readonly string[]).indexOf(name);
    if (column < 0) throw new MissingVotesError(`${source}: class "${name}" is not a FER+ vote column (${FERPLUS_COLUMNS.join(', ')})`);
    return column;
  });
  const k = classes.length;
  const width = FERPLUS_COLUMNS.length;
  const out = new Float32Array(set.count * k);
  for (let i = 0; i < set.count; i++) {
    let total = 0;
    for (const column of columns) total += votes[i * width + column]!;
    for (let c = 0; c < k; c++) out[i * k + c] = total > 0 ? votes[i * width + columns[c]!]! / total : c === set.labels[i] ? 1 : 0;
  }
  return out;
}
