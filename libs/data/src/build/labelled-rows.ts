import { createHash } from 'node:crypto';
import type { Usage } from '../fer2013/emotions.js';
import { ferPlusLabel } from '../fer2013/ferplus.js';
import type { RowIssue } from '../fer2013/row-issue.js';
import { readSource } from '../fer2013/source-reader.js';
import type { BuildLog } from './build-log.js';
import type { ProgressCounter } from './build-progress.js';
import type { FaceInput } from './face-processor.js';
import type { FaceStage } from './face-stage.js';

/** Source rows per build part (the unit of caching and resuming). */
export const PART_ROWS = 1024;

/** A kept row: its label (FER+ majority, else FER2013's) and its original pixels. */
export interface RowInfo {
  usage: Usage;
  emotion: string;
  fer2013Emotion: string;
  agreement: number;
  votes: number[];
  original: Uint8Array;
}

export interface LabelledRows {
  rows: Map<number, RowInfo>;
  issues: RowIssue[];
  /** Rows read, bad ones included. */
  read: number;
  /** Rows FER+ gives no label, by reason (`ferplus-<reason>`). */
  unlabelled: Record<string, number>;
  /** Rows labelled with a class the build does not keep. */
  otherClasses: number;
  /**
   * Valid rows whose 48×48 pixels are byte for byte those of another valid row of the source
   * (every copy, labelled or not, in any Usage), each mapped to all the rows holding its image,
   * itself included: FER2013 holds the same image more than once.
   */
  twins: ReadonlyMap<number, readonly number[]>;
}

export interface LabelRowsOptions {
  source: string;
  ferplus: string | undefined;
  limit: number | undefined;
  classes: readonly string[];
  /** Where kept rows go for landmarks and masks, part by part; undefined: no face stage (fer2013 profile). */
  faceStage: FaceStage | undefined;
  partRows: number;
  progress: ProgressCounter;
  log: BuildLog;
  onIssue: ((issue: RowIssue) => void) | undefined;
}

/**
 * Streams FER2013 (+FER+), skips and reports bad rows, labels each row, drops rows outside the
 * build's classes and hands the rest to the face stage in parts of `partRows` source rows.
 */
export async function labelRows(options: LabelRowsOptions): Promise<LabelledRows> {
  const { classes, faceStage, progress, log } = options;
  const rows = new Map<number, RowInfo>();
  const issues: RowIssue[] = [];
  const unlabelled: Record<string, number> = {};
  let otherClasses = 0;
  let read = 0;
  let partInputs: FaceInput[] = [];
  let partId = 0;
  const copies = new Map<string, number[]>();
  for await (const item of readSource({ source: options.source, ferplus: options.ferplus, limit: options.limit })) {
    if ('issue' in item) {
      const isRow = item.issue.kind !== 'ferplus-extra';
      read += isRow ? 1 : 0;
      progress.done += isRow ? 1 : 0;
      issues.push(item.issue);
      options.onIssue?.(item.issue);
      log.warn({ file: item.issue.file, line: item.issue.line, kind: item.issue.kind, reason: item.issue.message }, 'bad input row skipped');
      continue;
    }
    const row = item.row;
    read++;
    const image = createHash('sha1').update(row.pixels).digest('base64');
    const group = copies.get(image);
    if (group) group.push(row.index);
    else copies.set(image, [row.index]);
    let emotion: string = row.emotion;
    let agreement = 1;
    const votes = row.ferplus?.votes ?? [];
    if (row.ferplus) {
      const label = ferPlusLabel(row.ferplus.votes);
      if (!label.ok) {
        unlabelled[`ferplus-${label.reason}`] = (unlabelled[`ferplus-${label.reason}`] ?? 0) + 1;
        progress.done++;
        continue;
      }
      emotion = label.emotion;
      agreement = label.agreement;
    }
    if (!classes.includes(emotion)) {
      otherClasses++;
      progress.done++;
      continue;
    }
    rows.set(row.index, { usage: row.usage, emotion, fer2013Emotion: row.emotion, agreement, votes, original: row.pixels });
    if (!faceStage) {
      progress.done++;
      if (progress.done % 1024 === 0) progress.report();
      continue;
    }
    const part = Math.floor(row.index / options.partRows);
    if (part !== partId) {
      await faceStage.schedule(partId, partInputs);
      partInputs = [];
      partId = part;
    }
    partInputs.push({ index: row.index, pixels: row.pixels });
  }
  if (faceStage) {
    await faceStage.schedule(partId, partInputs);
    await faceStage.finish();
  }
  const twins = new Map<number, readonly number[]>();
  for (const group of copies.values()) if (group.length > 1) for (const index of group) twins.set(index, group);
  return { rows, issues, read, unlabelled, otherClasses, twins };
}
