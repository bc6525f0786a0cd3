import { encodeFermRecord } from '../shards/ferm-example.js';
import { frameRecords } from '../shards/tfrecord.js';
import { sha256 } from './checksum.js';
import type { Manifest, ShardInfo, SplitInfo } from './manifest.js';
import type { Chosen } from './select-rows.js';
import { SPLITS, type SplitName } from './selection.js';
import { putIfChanged, type WriteContext } from './write-context.js';

/** The key of one shard: `shards/<buildKey>/<split>-NNNNN-of-NNNNN.tfrecord`. */
export function shardKey(buildKey: string, split: SplitName, index: number, count: number): string {
  return `shards/${buildKey}/${split}-${String(index).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.tfrecord`;
}

/**
 * TFRecord shards of `tf.train.Example` records, `shardSize` records each, per split. The bytes
 * are deterministic, so a shard already in storage with the same sha256 is kept.
 */
export async function writeShards(
  ctx: WriteContext,
  selection: Record<SplitName, Chosen[]>,
  classes: string[],
  shardSize: number,
  buildKey: string,
): Promise<{ shards: ShardInfo[]; splits: Manifest['splits'] }> {
  const shards: ShardInfo[] = [];
  const splits: Manifest['splits'] = {};
  for (const split of SPLITS) {
    const items = selection[split];
    if (items.length === 0) continue;
    const perClass: SplitInfo['perClass'] = Object.fromEntries(classes.map((c) => [c, 0]));
    for (const c of items) perClass[c.emotion] = (perClass[c.emotion] ?? 0) + 1;
    splits[split] = { count: items.length, perClass };
    const count = Math.ceil(items.length / shardSize);
    for (let s = 0; s < count; s++) {
      const slice = items.slice(s * shardSize, (s + 1) * shardSize);
      const bytes = frameRecords(
        slice.map((c) =>
          encodeFermRecord({
            image: c.image,
            label: classes.indexOf(c.emotion),
            labelName: c.emotion,
            sourceIndex: c.index,
            sourceUsage: c.usage,
            ferplusVotes: c.votes,
            maskStyle: c.style,
          }),
        ),
      );
      const key = shardKey(buildKey, split, s, count);
      const digest = sha256(bytes);
      await putIfChanged(ctx, key, bytes, digest);
      shards.push({ key, split, records: slice.length, sha256: digest, bytes: bytes.byteLength });
    }
  }
  return { shards, splits };
}
