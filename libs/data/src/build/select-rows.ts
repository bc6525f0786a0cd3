import type { BuildConfig } from './build-config.js';
import type { ProcessedFace } from './face-processor.js';
import type { RowInfo } from './labelled-rows.js';
import { FILTER_NAMES, SPLITS, failedFilter, selectSplits, splitByUsage, type Candidate, type SplitName, type Splittable } from './selection.js';

/** `mask/style` of records in unmasked (fer2013 profile) builds. */
export const NO_MASK = 'none';

/** A row as it goes into a shard. */
export interface Chosen extends Splittable {
  votes: number[];
  image: Uint8Array;
  style: string;
}

export interface Selection {
  splits: Record<SplitName, Chosen[]>;
  /** Rows dropped by each class cap. */
  capped: Record<string, number>;
  /** Rows over a class's cap put in train instead (config.overCap 'train'). */
  overCapTrained: Record<string, number>;
  /** Rows dropped by each quality filter (none in the fer2013 profile). */
  filtered: Record<string, number>;
}

export interface SelectRowsOptions {
  rows: Map<number, RowInfo>;
  /** The face stage's results by row; undefined in the fer2013 profile (original pixels, no filters). */
  faces: Map<number, ProcessedFace> | undefined;
  config: BuildConfig;
  classes: string[];
  caps: Record<string, number> | undefined;
  hasFerPlus: boolean;
}

/**
 * Quality filters, then selection and the train/val/test split (selection.ts). The fer2013
 * profile has neither: its original pixels are split by the Usage column, or with
 * `valFromTraining` as the other profiles split (val from Training, PublicTest held out), uncapped.
 */
export function selectRows({ rows, faces, config, classes, caps, hasFerPlus }: SelectRowsOptions): Selection {
  if (!faces) {
    const originals = [...rows].map(([index, info]): Chosen => ({
      index,
      usage: info.usage,
      emotion: info.emotion,
      votes: [],
      image: info.original,
      style: NO_MASK,
    }));
    const splits = config.valFromTraining
      ? selectSplits(originals, { classes, valFraction: config.valFraction, seed: config.seed }).splits
      : splitByUsage(originals, config.seed);
    return { splits, capped: {}, overCapTrained: {}, filtered: {} };
  }
  const filtered: Record<string, number> = Object.fromEntries(FILTER_NAMES.map((f) => [f, 0]));
  const candidates: Candidate[] = [];
  for (const [index, info] of rows) {
    const face = faces.get(index);
    if (!face) throw new Error(`internal: row ${index} has no face-stage result`);
    const candidate: Candidate = {
      index,
      usage: info.usage,
      emotion: info.emotion,
      fer2013Emotion: info.fer2013Emotion,
      agreement: info.agreement,
      votes: info.votes,
      face,
    };
    const failed = failedFilter(candidate, config.filters, hasFerPlus);
    if (failed) filtered[failed] = (filtered[failed] ?? 0) + 1;
    else candidates.push(candidate);
  }
  const selected = selectSplits(candidates, { classes, caps, overCap: config.overCap, valFraction: config.valFraction, seed: config.seed });
  const chosen = (c: Candidate): Chosen => ({ index: c.index, usage: c.usage, emotion: c.emotion, votes: c.votes, image: c.face.masked, style: c.face.style });
  return {
    splits: Object.fromEntries(SPLITS.map((s) => [s, selected.splits[s].map(chosen)])) as Record<SplitName, Chosen[]>,
    capped: selected.capped,
    overCapTrained: selected.overCapTrained,
    filtered,
  };
}
