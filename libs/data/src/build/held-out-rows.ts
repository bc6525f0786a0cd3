import { openDataset, type OpenDatasetOptions } from '../dataset/open-dataset.js';
import type { HoldOut } from './build-config.js';
import type { SplitName } from './selection.js';

/** The splits a dataset scores models on: every split but train. */
const EVALUATION_SPLITS: readonly SplitName[] = ['val', 'test', 'publictest'];

export interface HeldOutRows {
  /** What the build's config records, one entry per dataset. */
  holdOut: HoldOut[];
  /** Source rows (0-based FER2013 data rows) to leave out, the union over the datasets. */
  rows: Set<number>;
}

/**
 * The FER2013 rows other datasets evaluate on. A build that leaves them out can pretrain a model
 * that is then fine-tuned and scored on those datasets without having seen one of their val or
 * test images, in any form (masked or not).
 */
export async function heldOutRows(uris: readonly string[], options: OpenDatasetOptions = {}): Promise<HeldOutRows> {
  const holdOut: HoldOut[] = [];
  const rows = new Set<number>();
  for (const uri of uris) {
    const dataset = await openDataset(uri, options);
    const splits = EVALUATION_SPLITS.filter((s) => dataset.splits.includes(s));
    if (splits.length === 0) throw new Error(`dataset ${uri} has no val, test or publictest split to hold out`);
    let count = 0;
    for (const split of splits) {
      for (const row of await dataset.sourceRows(split)) {
        rows.add(row);
        count++;
      }
    }
    holdOut.push({ buildKey: dataset.manifest.builder.buildKey, source: dataset.manifest.sources.fer2013.sha256, splits: [...splits], rows: count });
  }
  return { holdOut, rows };
}
