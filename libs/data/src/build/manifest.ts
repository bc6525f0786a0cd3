import type { RowIssueKind } from '../fer2013/row-issue.js';
import type { BuildConfig } from './build-config.js';
import type { SplitName } from './selection.js';

export interface ShardInfo {
  /** Storage key relative to the dataset URI, e.g. `shards/train-00000-of-00002.tfrecord`. */
  key: string;
  split: SplitName;
  records: number;
  sha256: string;
  bytes: number;
}

export interface SourceInfo {
  file: string;
  sha256: string;
  bytes: number;
}

export interface SplitInfo {
  count: number;
  perClass: Record<string, number>;
}

/** `manifest.json`: the one file that says what a FERM dataset holds and how it was made. */
export interface Manifest {
  format: 'fermx-dataset/1';
  classes: string[];
  labels: 'ferplus' | 'fer2013';
  /** masked: false for the fer2013 profile (original pixels); absent in older manifests. */
  image: { height: 48; width: 48; channels: 1; masked?: boolean };
  splits: Partial<Record<SplitName, SplitInfo>>;
  shards: ShardInfo[];
  /**
   * How it was made. Nothing here depends on when or where: the same inputs and config give the
   * same manifest bytes, so the same dataset version and the same trial ids on any machine.
   * builtAt and seconds are only in manifests written before that held.
   */
  builder: { version: string; config: BuildConfig; detector: string; buildKey: string; builtAt?: string; seconds?: number };
  sources: { fer2013: SourceInfo; ferplus?: SourceInfo };
  rows: {
    /** Data rows read from the source (after --limit). */
    read: number;
    /** Rows skipped as bad input, by kind (each also reported with its line number). */
    invalid: Partial<Record<RowIssueKind, number>>;
    /** Valid rows without a usable label: FER+ not-a-face, unknown, tie. */
    unlabelled: Record<string, number>;
    /** Labelled rows of classes the profile leaves out. */
    otherClasses: number;
    /** Rows that reached the face stage (landmarks + mask). */
    processed: number;
    /** Rows dropped by each quality filter (the first filter a row fails). */
    filtered: Record<string, number>;
    /** Rows left out by a per-class cap. */
    capped: Record<string, number>;
    /** Rows over a per-class cap put in train instead (builder.config.overCap 'train'). */
    overCapTrained?: Record<string, number>;
    /** Labelled rows left out because another dataset evaluates on them or on another copy of their image (builder.config.holdOut). */
    heldOut?: number;
    /** Labelled rows left out because their image occurs more than once in the source (builder.config.dropDuplicates). */
    duplicates?: number;
    selected: number;
  };
  /** The first bad rows, as `file:line: message` (all of them are in issues.txt). */
  issues: { total: number; examples: string[] };
  preview: string;
}

export const MANIFEST_KEY = 'manifest.json';
export const PREVIEW_KEY = 'preview.png';
export const ISSUES_KEY = 'issues.txt';
