import { createHash } from 'node:crypto';
import { datasetVersionOf } from '@fermx/contracts';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Manifest, ShardInfo } from '../build/manifest.js';
import { MANIFEST_KEY } from '../build/manifest.js';
import type { SplitName } from '../build/selection.js';
import { FERPLUS_COLUMNS } from '../fer2013/emotions.js';
import { decodeFermRecord } from '../shards/ferm-example.js';
import { readRecords } from '../shards/tfrecord.js';
import { FileStorage } from '../storage/file-storage.js';
import { openStorage } from '../storage/open-storage.js';
import { StorageNotFoundError } from '../storage/storage.js';
import { shuffledBatches, type BatchOptions, type LabelledImages } from './image-set.js';

export class DatasetIntegrityError extends Error {
  override readonly name = 'DatasetIntegrityError';
}

export interface Dataset {
  readonly uri: string;
  readonly manifest: Manifest;
  /** The build's identity: a hash of manifest.json's bytes (what results and model metadata record). */
  readonly version: string;
  /** Splits that have at least one image. */
  readonly splits: SplitName[];
  /** All images of a split, decoded from its shards (each checked against the manifest's sha256). */
  loadSplit(split: SplitName): Promise<LabelledImages>;
  /** Shuffled batches of a split. */
  batches(split: SplitName, options: BatchOptions): AsyncGenerator<LabelledImages>;
  /** The FER2013 source row (0-based data row) of every image of a split, in shard order. */
  sourceRows(split: SplitName): Promise<number[]>;
}

export interface OpenDatasetOptions {
  /** Where shards of remote datasets are cached, by sha256 (default $FERMX_CACHE_DIR or ~/.cache/fermx/shards). */
  cacheDir?: string;
  env?: NodeJS.ProcessEnv;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Opens a FERM dataset: `uri` is the folder holding manifest.json (file:// or s3://). */
export async function openDataset(uri: string, options: OpenDatasetOptions = {}): Promise<Dataset> {
  const env = options.env ?? process.env;
  const storage = openStorage(uri, env);
  let manifest: Manifest;
  let version: string;
  try {
    const bytes = await storage.get(MANIFEST_KEY);
    version = datasetVersionOf(bytes);
    manifest = JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
  } catch (error) {
    if (error instanceof StorageNotFoundError)
      throw new StorageNotFoundError(`no dataset at ${uri}: ${storage.uriOf(MANIFEST_KEY)} does not exist (build one with \`fermx dataset build\`)`);
    if (error instanceof SyntaxError) throw new DatasetIntegrityError(`${storage.uriOf(MANIFEST_KEY)} is not valid JSON: ${error.message}`);
    throw error;
  }
  if (manifest.format !== 'fermx-dataset/1' || !Array.isArray(manifest.shards) || !Array.isArray(manifest.classes)) {
    throw new DatasetIntegrityError(`${storage.uriOf(MANIFEST_KEY)} is not a fermx dataset manifest (format "${String(manifest.format)}")`);
  }
  const remote = !(storage instanceof FileStorage);
  const cacheDir = options.cacheDir ?? env.FERMX_CACHE_DIR ?? join(homedir(), '.cache', 'fermx', 'shards');

  const fetchShard = async (shard: ShardInfo): Promise<Uint8Array> => {
    const cached = remote ? join(cacheDir, `${shard.sha256}.tfrecord`) : undefined;
    if (cached) {
      const bytes = await readFile(cached).catch(() => undefined);
      if (bytes && sha256(bytes) === shard.sha256) return bytes;
    }
    const bytes = await storage.get(shard.key);
    if (sha256(bytes) !== shard.sha256) {
      throw new DatasetIntegrityError(`shard ${storage.uriOf(shard.key)} fails its checksum: sha256 ${sha256(bytes)}, manifest says ${shard.sha256}`);
    }
    if (cached) {
      await mkdir(cacheDir, { recursive: true });
      const temp = `${cached}.${process.pid}.tmp`;
      await writeFile(temp, bytes);
      await rename(temp, cached);
    }
    return bytes;
  };

  const splits = (Object.keys(manifest.splits) as SplitName[]).filter((s) => (manifest.splits[s]?.count ?? 0) > 0);
  const shardsOf = (split: SplitName): ShardInfo[] => {
    const shards = manifest.shards.filter((s) => s.split === split);
    if (shards.length === 0) {
      throw new DatasetIntegrityError(`dataset ${uri} has no "${split}" split (it has: ${splits.join(', ') || 'none'})`);
    }
    return shards;
  };
  const loadSplit = async (split: SplitName): Promise<LabelledImages> => {
    const shards = shardsOf(split);
    const count = shards.reduce((n, s) => n + s.records, 0);
    const images = new Uint8Array(count * 2304);
    const labels = new Uint8Array(count);
    const votes = new Uint8Array(count * FERPLUS_COLUMNS.length);
    let withVotes = 0;
    let at = 0;
    for (const shard of shards) {
      const bytes = await fetchShard(shard);
      for (const record of readRecords(bytes, shard.key)) {
        const r = decodeFermRecord(record);
        if (r.image.length !== 2304 || at >= count) throw new DatasetIntegrityError(`shard ${shard.key}: record ${at} does not match the manifest`);
        images.set(r.image, at * 2304);
        labels[at] = r.label;
        if (r.ferplusVotes.length === FERPLUS_COLUMNS.length) {
          votes.set(r.ferplusVotes, at * FERPLUS_COLUMNS.length);
          withVotes++;
        }
        at++;
      }
    }
    if (at !== count) throw new DatasetIntegrityError(`split ${split}: ${at} records in shards, manifest says ${count}`);
    return { images, labels, count, classes: [...manifest.classes], ...(withVotes === count && count > 0 ? { votes } : {}) };
  };

  const sourceRows = async (split: SplitName): Promise<number[]> => {
    const rows: number[] = [];
    for (const shard of shardsOf(split)) {
      for (const record of readRecords(await fetchShard(shard), shard.key)) rows.push(decodeFermRecord(record).sourceIndex);
    }
    return rows;
  };

  return {
    uri: storage.uri,
    manifest,
    version,
    splits,
    loadSplit,
    sourceRows,
    async *batches(split, batchOptions) {
      yield* shuffledBatches(await loadSplit(split), batchOptions);
    },
  };
}
