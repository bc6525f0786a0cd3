import { FER2013_EMOTIONS, FERPLUS_COLUMNS, type Usage } from '../fer2013/emotions.js';
import { ferPlusLabel } from '../fer2013/ferplus.js';
import { formatIssue, type RowIssue } from '../fer2013/row-issue.js';
import { readSource } from '../fer2013/source-reader.js';
import { encodeFermRecord } from '../shards/ferm-example.js';
import { frameRecords } from '../shards/tfrecord.js';
import { openStorage } from '../storage/open-storage.js';
import type { Storage } from '../storage/storage.js';
import { BUILDER_VERSION, PAPER_CAPS, type BuildConfig } from './build-config.js';
import { describeSource, sha256 } from './checksum.js';
import type { FacePool } from './face-pool.js';
import type { FaceInput, ProcessedFace } from './face-processor.js';
import { ISSUES_KEY, MANIFEST_KEY, PREVIEW_KEY, type Manifest, type ShardInfo, type SplitInfo } from './manifest.js';
import { decodePart, encodePart } from './part-codec.js';
import { renderPreview, type PreviewSample } from './preview.js';
import { FILTER_NAMES, SPLITS, failedFilter, selectSplits, splitByUsage, type Candidate, type SplitName, type Splittable } from './selection.js';

export const PAPER_CLASSES = ['neutral', 'sad', 'surprise', 'angry'] as const;
const FERPLUS_CLASSES = FERPLUS_COLUMNS.slice(0, 8) as readonly string[];
/** Source rows per build part (the unit of caching and resuming). */
const PART_ROWS = 1024;
/** Rows per landmark-net batch sent to a worker. */
const BATCH = 64;

export interface BuildProgress {
  done: number;
  total: number;
  imagesPerSecond: number;
  etaSeconds: number;
}

export interface BuildLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface BuildDatasetOptions {
  source: string;
  ferplus?: string;
  /** Dataset URI: the folder that will hold manifest.json (file:// or s3://). */
  out: string;
  config: BuildConfig;
  /** Starts the face stage (worker threads in the CLI, inline with a test detector). */
  startFacePool: () => Promise<FacePool>;
  detectorName: string;
  env?: NodeJS.ProcessEnv;
  log?: BuildLog;
  onProgress?: (progress: BuildProgress) => void;
  /** Called for every bad input row, in order. */
  onIssue?: (issue: RowIssue) => void;
  /** Source rows per cached part (default 1,024; tests use small parts). */
  partRows?: number;
}

export interface BuildOutcome {
  manifest: Manifest;
  upToDate: boolean;
  /** Storage keys written by this run. */
  written: string[];
  /** Parts of the face stage taken from an earlier (interrupted or other-threshold) run. */
  reusedParts: number;
  issues: RowIssue[];
  seconds: number;
}

interface RowInfo {
  usage: Usage;
  emotion: string;
  fer2013Emotion: string;
  agreement: number;
  votes: number[];
  original: Uint8Array;
}

/** A row as it goes into a shard. */
interface Chosen extends Splittable {
  votes: number[];
  image: Uint8Array;
  style: string;
}

/** `mask/style` of records in unmasked (fer2013 profile) builds. */
export const NO_MASK = 'none';

const silent: BuildLog = { info: () => undefined, warn: () => undefined };

/**
 * FER2013 (+FER+) → FERM: stream rows, label, run the face stage (landmarks, measurements,
 * mask) in cached parts, filter, select and split, write TFRecord shards, preview and finally
 * manifest.json. Same inputs and config → nothing written; an interrupted build reuses every
 * part and shard already in storage whose sha256 checks out.
 * Profile fer2013 (Table 1) skips the face stage and the filters: original pixels, FER2013's
 * seven labels, split by Usage.
 */
export async function buildDataset(options: BuildDatasetOptions): Promise<BuildOutcome> {
  const started = Date.now();
  const log = options.log ?? silent;
  const config = options.config;
  if (config.profile === 'fer2013' && options.ferplus !== undefined) {
    throw new Error('the fer2013 profile uses FER2013\'s own labels (Table 1); leave out the FER+ file');
  }
  const storage = openStorage(options.out, options.env);
  const [fer2013, ferplus] = await Promise.all([describeSource(options.source), options.ferplus ? describeSource(options.ferplus) : undefined]);
  const hasFerPlus = ferplus !== undefined;
  const unmasked = config.profile === 'fer2013';
  const classes = config.profile === 'paper' ? [...PAPER_CLASSES] : hasFerPlus ? [...FERPLUS_CLASSES] : [...FER2013_EMOTIONS];
  const caps = unmasked ? undefined : (config.caps ?? (config.profile === 'paper' ? { ...PAPER_CAPS } : undefined));
  // The recorded config says what was applied: no filters and no caps in the fer2013 profile.
  const fullConfig: BuildConfig = unmasked ? { ...withoutCaps(config), filters: { ...config.filters, enabled: false } } : { ...config, ...(caps ? { caps } : {}) };
  const detectorName = unmasked ? 'none' : options.detectorName;
  const processingKey = sha256(
    JSON.stringify({ v: BUILDER_VERSION, src: fer2013.sha256, fp: ferplus?.sha256 ?? null, limit: config.limit ?? null, classes, seed: config.seed, styles: config.maskStyles, ss: config.supersample, det: detectorName }),
  ).slice(0, 16);
  const buildKey = sha256(JSON.stringify({ processingKey, config: fullConfig })).slice(0, 16);
  const ctx = { storage, log, written: [] as string[] };

  const existing = await readManifest(storage);
  if (existing?.builder.buildKey === buildKey && (await verifyBuilt(storage, existing, log))) {
    log.info({ out: storage.uri, buildKey }, 'dataset up to date');
    return { manifest: existing, upToDate: true, written: [], reusedParts: 0, issues: [], seconds: (Date.now() - started) / 1000 };
  }

  const total = Math.min(config.limit ?? Infinity, Math.max(0, fer2013.lines - 1));
  const rows = new Map<number, RowInfo>();
  const issues: RowIssue[] = [];
  const unlabelled: Record<string, number> = {};
  let otherClasses = 0;
  let read = 0;
  const faces = new Map<number, ProcessedFace>();
  let pool: Promise<FacePool> | undefined;
  let reusedParts = 0;
  let done = 0;
  const progress = () => {
    const seconds = (Date.now() - started) / 1000;
    const rate = done / Math.max(seconds, 1e-3);
    options.onProgress?.({ done, total, imagesPerSecond: rate, etaSeconds: rate > 0 ? Math.max(0, total - done) / rate : Infinity });
  };
  const runPart = async (part: number, inputs: FaceInput[]): Promise<void> => {
    const key = `.build/${processingKey}/part-${String(part).padStart(5, '0')}.bin`;
    const cached = await loadPart(storage, key);
    let result = cached;
    if (result) reusedParts++;
    else {
      pool ??= options.startFacePool();
      const p = await pool;
      const batches: Promise<ProcessedFace[]>[] = [];
      for (let i = 0; i < inputs.length; i += BATCH) {
        const batch = inputs.slice(i, i + BATCH);
        batches.push(
          p.process(batch).then((r) => {
            done += batch.length;
            progress();
            return r;
          }),
        );
      }
      result = (await Promise.all(batches)).flat();
      const bytes = encodePart(result);
      await put(ctx, key, bytes);
      await put(ctx, `${key}.sha256`, sha256(bytes));
    }
    if (cached) {
      done += cached.length;
      progress();
    }
    for (const face of result) faces.set(face.index, face);
    log.info({ part, faces: result.length, cached: cached !== undefined }, 'build part done');
  };

  const inFlight = new Set<Promise<void>>();
  const schedule = async (part: number, inputs: FaceInput[]) => {
    if (inputs.length === 0) return;
    const task: Promise<void> = runPart(part, inputs).finally(() => inFlight.delete(task));
    inFlight.add(task);
    // Two parts in flight keep every worker busy while bounding memory.
    while (inFlight.size >= 2) await Promise.race(inFlight);
  };

  let partInputs: FaceInput[] = [];
  let partId = 0;
  try {
    for await (const item of readSource({ source: options.source, ferplus: options.ferplus, limit: config.limit })) {
      if ('issue' in item) {
        const isRow = item.issue.kind !== 'ferplus-extra';
        read += isRow ? 1 : 0;
        done += isRow ? 1 : 0;
        issues.push(item.issue);
        options.onIssue?.(item.issue);
        log.warn({ file: item.issue.file, line: item.issue.line, kind: item.issue.kind, reason: item.issue.message }, 'bad input row skipped');
        continue;
      }
      const row = item.row;
      read++;
      let emotion: string = row.emotion;
      let agreement = 1;
      const votes = row.ferplus?.votes ?? [];
      if (row.ferplus) {
        const label = ferPlusLabel(row.ferplus.votes);
        if (!label.ok) {
          unlabelled[`ferplus-${label.reason}`] = (unlabelled[`ferplus-${label.reason}`] ?? 0) + 1;
          done++;
          continue;
        }
        emotion = label.emotion;
        agreement = label.agreement;
      }
      if (!classes.includes(emotion)) {
        otherClasses++;
        done++;
        continue;
      }
      if (unmasked) {
        rows.set(row.index, { usage: row.usage, emotion, fer2013Emotion: row.emotion, agreement, votes, original: row.pixels });
        done++;
        if (done % 1024 === 0) progress();
        continue;
      }
      const part = Math.floor(row.index / (options.partRows ?? PART_ROWS));
      if (part !== partId) {
        await schedule(partId, partInputs);
        partInputs = [];
        partId = part;
      }
      rows.set(row.index, { usage: row.usage, emotion, fer2013Emotion: row.emotion, agreement, votes, original: row.pixels });
      partInputs.push({ index: row.index, pixels: row.pixels });
    }
    await schedule(partId, partInputs);
    await Promise.all(inFlight);
  } finally {
    await Promise.allSettled(inFlight);
    if (pool) await (await pool).close();
  }

  // Quality filters, then selection (fer2013 profile: neither, the Usage column splits).
  const filtered: Record<string, number> = unmasked ? {} : Object.fromEntries(FILTER_NAMES.map((f) => [f, 0]));
  let selection: { splits: Record<SplitName, Chosen[]>; capped: Record<string, number> };
  if (unmasked) {
    progress();
    const originals = [...rows].map(([index, info]): Chosen => ({ index, usage: info.usage, emotion: info.emotion, votes: [], image: info.original, style: NO_MASK }));
    selection = { splits: splitByUsage(originals, config.seed), capped: {} };
  } else {
    const candidates: Candidate[] = [];
    for (const [index, info] of rows) {
      const face = faces.get(index);
      if (!face) throw new Error(`internal: row ${index} has no face-stage result`);
      const candidate: Candidate = { index, usage: info.usage, emotion: info.emotion, fer2013Emotion: info.fer2013Emotion, agreement: info.agreement, votes: info.votes, face };
      const failed = failedFilter(candidate, config.filters, hasFerPlus);
      if (failed) filtered[failed] = (filtered[failed] ?? 0) + 1;
      else candidates.push(candidate);
    }
    const selected = selectSplits(candidates, { classes, caps, valFraction: config.valFraction, seed: config.seed });
    const chosen = (c: Candidate): Chosen => ({ index: c.index, usage: c.usage, emotion: c.emotion, votes: c.votes, image: c.face.masked, style: c.face.style });
    selection = { splits: Object.fromEntries(SPLITS.map((s) => [s, selected.splits[s].map(chosen)])) as Record<SplitName, Chosen[]>, capped: selected.capped };
  }

  // Shards: deterministic bytes, so a shard already in storage with the same sha256 is kept.
  const shards: ShardInfo[] = [];
  const splits: Manifest['splits'] = {};
  for (const split of SPLITS) {
    const items = selection.splits[split];
    if (items.length === 0) continue;
    const perClass: SplitInfo['perClass'] = Object.fromEntries(classes.map((c) => [c, 0]));
    for (const c of items) perClass[c.emotion] = (perClass[c.emotion] ?? 0) + 1;
    splits[split] = { count: items.length, perClass };
    const count = Math.ceil(items.length / config.shardSize);
    for (let s = 0; s < count; s++) {
      const slice = items.slice(s * config.shardSize, (s + 1) * config.shardSize);
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
      const key = `shards/${buildKey}/${split}-${String(s).padStart(5, '0')}-of-${String(count).padStart(5, '0')}.tfrecord`;
      const digest = sha256(bytes);
      await putIfChanged(ctx, key, bytes, digest);
      shards.push({ key, split, records: slice.length, sha256: digest, bytes: bytes.byteLength });
    }
  }

  const previewSamples: PreviewSample[] = [];
  for (const c of selection.splits.train) {
    previewSamples.push({ label: c.emotion, original: rows.get(c.index)!.original, ...(unmasked ? {} : { masked: c.image }) });
  }
  const preview = await renderPreview(previewSamples, classes);
  await putIfChanged(ctx, PREVIEW_KEY, preview, sha256(preview));
  const issueText = issues.map(formatIssue).join('\n') + (issues.length ? '\n' : '');
  await putIfChanged(ctx, ISSUES_KEY, issueText, sha256(issueText));

  const invalid: Manifest['rows']['invalid'] = {};
  for (const issue of issues) invalid[issue.kind] = (invalid[issue.kind] ?? 0) + 1;
  const selected = SPLITS.reduce((sum, s) => sum + selection.splits[s].length, 0);
  const manifest: Manifest = {
    format: 'fermx-dataset/1',
    classes,
    labels: hasFerPlus ? 'ferplus' : 'fer2013',
    image: { height: 48, width: 48, channels: 1, masked: !unmasked },
    splits,
    shards,
    builder: { version: BUILDER_VERSION, config: fullConfig, detector: detectorName, buildKey, builtAt: new Date().toISOString(), seconds: (Date.now() - started) / 1000 },
    sources: { fer2013: { file: fer2013.file, sha256: fer2013.sha256, bytes: fer2013.bytes }, ...(ferplus ? { ferplus: { file: ferplus.file, sha256: ferplus.sha256, bytes: ferplus.bytes } } : {}) },
    rows: { read, invalid, unlabelled, otherClasses, processed: faces.size, filtered, capped: selection.capped, selected },
    issues: { total: issues.length, examples: issues.slice(0, 100).map(formatIssue) },
    preview: PREVIEW_KEY,
  };
  // The manifest goes last: it is what makes the build visible to readers.
  await put(ctx, MANIFEST_KEY, JSON.stringify(manifest, null, 2) + '\n', 'application/json');
  log.info({ out: storage.uri, buildKey, selected, seconds: manifest.builder.seconds }, 'dataset built');
  return { manifest, upToDate: false, written: ctx.written, reusedParts, issues, seconds: (Date.now() - started) / 1000 };
}

function withoutCaps(config: BuildConfig): BuildConfig {
  const copy = { ...config };
  delete copy.caps;
  return copy;
}

interface WriteContext {
  storage: Storage;
  log: BuildLog;
  written: string[];
}

async function put(ctx: WriteContext, key: string, body: Uint8Array | string, contentType?: string): Promise<void> {
  await ctx.storage.put(key, body, contentType ? { contentType } : {});
  ctx.written.push(key);
}

async function putIfChanged(ctx: WriteContext, key: string, body: Uint8Array | string, digest: string): Promise<void> {
  const current = await ctx.storage.getOptional(key);
  if (current && sha256(current) === digest) return;
  await put(ctx, key, body);
}

export async function readManifest(storage: Storage): Promise<Manifest | undefined> {
  const bytes = await storage.getOptional(MANIFEST_KEY);
  if (!bytes) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as Manifest;
  } catch {
    return undefined;
  }
}

/** Every shard present with the sha256 the manifest records, and the preview present. */
async function verifyBuilt(storage: Storage, manifest: Manifest, log: BuildLog): Promise<boolean> {
  for (const shard of manifest.shards) {
    const bytes = await storage.getOptional(shard.key);
    if (!bytes || sha256(bytes) !== shard.sha256) {
      log.warn({ shard: shard.key }, 'shard missing or corrupt, rebuilding');
      return false;
    }
  }
  return storage.exists(PREVIEW_KEY);
}

async function loadPart(storage: Storage, key: string): Promise<ProcessedFace[] | undefined> {
  const [bytes, digest] = await Promise.all([storage.getOptional(key), storage.getOptional(`${key}.sha256`)]);
  if (!bytes || !digest || sha256(bytes) !== new TextDecoder().decode(digest).trim()) return undefined;
  try {
    return decodePart(bytes);
  } catch {
    return undefined;
  }
}
