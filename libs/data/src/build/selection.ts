import type { Usage } from '../fer2013/emotions.js';
import { mulberry32, seedFor, shuffle } from '../masking/random.js';
import type { Filters } from './build-config.js';
import type { ProcessedFace } from './face-processor.js';

export type SplitName = 'train' | 'val' | 'test' | 'publictest';
export const SPLITS: readonly SplitName[] = ['train', 'val', 'test', 'publictest'];

/** A labelled row after the face stage: what selection and sharding need. */
export interface Candidate {
  index: number;
  usage: Usage;
  emotion: string;
  /** FER2013's own label of the row (the `emotion` column), before FER+ relabelling. */
  fer2013Emotion: string;
  /** FER+ majority share (1 without FER+). */
  agreement: number;
  votes: number[];
  face: ProcessedFace;
}

export type FilterName = 'label-mismatch' | 'ferplus-agreement' | 'landmark-failure' | 'non-frontal' | 'blur';
export const FILTER_NAMES: readonly FilterName[] = ['label-mismatch', 'ferplus-agreement', 'landmark-failure', 'non-frontal', 'blur'];

/** The first quality filter a candidate fails, or undefined when it passes them all. */
export function failedFilter(c: Candidate, filters: Filters, hasFerPlus: boolean): FilterName | undefined {
  if (!filters.enabled) return undefined;
  const g = c.face.geometry;
  if (hasFerPlus && filters.requireLabelMatch && c.fer2013Emotion !== c.emotion) return 'label-mismatch';
  if (hasFerPlus && c.agreement < filters.minAgreement) return 'ferplus-agreement';
  if (!(g.shapeResidual <= filters.maxShapeResidual) || g.size < filters.minFaceSize || g.outside > 0) return 'landmark-failure';
  if (!(Math.abs(g.yaw) <= filters.maxYaw)) return 'non-frontal';
  if (!(c.face.blur >= filters.minSharpness)) return 'blur';
  return undefined;
}

/** What splitting needs of a row. */
export interface Splittable {
  index: number;
  usage: Usage;
  emotion: string;
}

export interface Selection<T extends Splittable = Candidate> {
  splits: Record<SplitName, T[]>;
  /** Rows of profile classes left out by a cap, per class. */
  capped: Record<string, number>;
  /** Rows over a class's cap that went into train instead (`overCap: 'train'`), per class. */
  overCapTrained: Record<string, number>;
}

/** A per-row random key: orderings depend on (seed, row), never on arrival order or workers. */
function seededOrder<T extends Splittable>(items: T[], seed: number): T[] {
  const keyed = items.map((c) => ({ c, k: seedFor(seed, c.index) }));
  keyed.sort((a, b) => a.k - b.k || a.c.index - b.c.index);
  return keyed.map((x) => x.c);
}

/**
 * Training rows → train/val (capped per class, then a stratified, seeded `valFraction` split);
 * PrivateTest rows → test; PublicTest rows → publictest (held out, uncapped: FER2013's public
 * test is not the paper's test set, and keeping it apart keeps it usable for evaluation).
 * With `overCap: 'train'` the rows over a class's cap join train instead of being left out; val
 * is still drawn from the capped rows, so val and publictest are the capped build's.
 */
export function selectSplits<T extends Splittable>(
  candidates: readonly T[],
  options: { classes: readonly string[]; caps?: Record<string, number>; overCap?: 'drop' | 'train'; valFraction: number; seed: number },
): Selection<T> {
  const splits: Record<SplitName, T[]> = { train: [], val: [], test: [], publictest: [] };
  const capped: Record<string, number> = {};
  const overCapTrained: Record<string, number> = {};
  for (const name of options.classes) {
    const ofClass = candidates.filter((c) => c.emotion === name);
    let pool = seededOrder(
      ofClass.filter((c) => c.usage === 'Training'),
      options.seed,
    );
    let overflow: T[] = [];
    const cap = options.caps?.[name];
    if (cap !== undefined && pool.length > cap) {
      overflow = pool.slice(cap);
      pool = pool.slice(0, cap);
      if (options.overCap === 'train') overCapTrained[name] = overflow.length;
      else capped[name] = overflow.length;
    }
    const val = Math.round(pool.length * options.valFraction);
    splits.val.push(...pool.slice(0, val));
    splits.train.push(...pool.slice(val), ...(options.overCap === 'train' ? overflow : []));
    splits.publictest.push(...ofClass.filter((c) => c.usage === 'PublicTest'));
    splits.test.push(...ofClass.filter((c) => c.usage === 'PrivateTest'));
  }
  return { splits: shuffledSplits(splits, options.seed), capped, overCapTrained };
}

/**
 * The Table 1 split (fer2013 profile): FER2013's own Usage column decides (the paper only says
 * it trained and tested on FER2013): Training → train, PublicTest → val, PrivateTest → test.
 * No caps, no sampling.
 */
export function splitByUsage<T extends Splittable>(rows: readonly T[], seed: number): Record<SplitName, T[]> {
  const splits: Record<SplitName, T[]> = { train: [], val: [], test: [], publictest: [] };
  const target: Record<Usage, SplitName> = { Training: 'train', PublicTest: 'val', PrivateTest: 'test' };
  for (const row of rows) splits[target[row.usage]].push(row);
  return shuffledSplits(splits, seed);
}

/** Shards hold each split shuffled (seeded), so a reader streaming them sees mixed classes. */
function shuffledSplits<T extends Splittable>(splits: Record<SplitName, T[]>, seed: number): Record<SplitName, T[]> {
  for (const split of SPLITS)
    splits[split] = shuffle(
      [...splits[split]].sort((a, b) => a.index - b.index),
      mulberry32(seedFor(seed, split.length * 7919 + split.charCodeAt(0))),
    );
  return splits;
}
