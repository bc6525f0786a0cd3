import { createHash } from 'node:crypto';
import { datasetVersionOf, type DatasetRef } from '@fermx/contracts';
import { encodeFermRecord, frameRecords, type Storage } from '@fermx/data';
import { syntheticImageSet } from '@fermx/models/testing';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Writes a tiny FERM-format dataset (one shard per split, learnable synthetic images: each
 * class is a bright band) under `prefix` of `storage`, so tests run the real tfjs trainer and
 * `fermx evaluate` through openDataset without the dataset builder.
 */
export async function writeTinyDataset(
  storage: Storage,
  prefix: string,
  counts: { train: number; val: number; test?: number },
  classes = ['neutral', 'sad', 'surprise', 'angry'],
  /** Rows the manifest says a per-class cap left out (`rows.capped`), for the uncapped class prior. */
  capped?: Record<string, number>,
): Promise<DatasetRef> {
  const shards = [];
  const splits: Record<string, { count: number; perClass: Record<string, number> }> = {};
  for (const [split, count] of Object.entries(counts)) {
    if (!count) continue;
    const set = syntheticImageSet(count, classes, split.length * 7 + count);
    const records = Array.from({ length: count }, (_, i) =>
      encodeFermRecord({
        image: set.images.subarray(i * 2304, (i + 1) * 2304),
        label: set.labels[i]!,
        labelName: classes[set.labels[i]!]!,
        sourceIndex: i,
        sourceUsage: split,
        ferplusVotes: [],
        maskStyle: 'none',
      }),
    );
    const bytes = frameRecords(records);
    const key = `shards/${split}-00000-of-00001.tfrecord`;
    await storage.put(`${prefix}/${key}`, bytes);
    shards.push({ key, split, records: count, sha256: sha256(bytes), bytes: bytes.byteLength });
    const perClass = Object.fromEntries(classes.map((c, k) => [c, Array.from(set.labels).filter((l) => l === k).length]));
    splits[split] = { count, perClass };
  }
  const manifest = {
    format: 'fermx-dataset/1',
    classes,
    labels: 'fer2013',
    image: { height: 48, width: 48, channels: 1 },
    splits,
    shards,
    builder: { version: 'test-fixture', detector: 'none' },
    ...(capped ? { rows: { capped } } : {}),
  };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest, null, 2));
  await storage.put(`${prefix}/manifest.json`, manifestBytes);
  return { uri: storage.uriOf(prefix), version: datasetVersionOf(manifestBytes) };
}
