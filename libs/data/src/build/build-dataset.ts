import type { RowIssue } from '../fer2013/row-issue.js';
import { openStorage } from '../storage/open-storage.js';
import type { BuildConfig } from './build-config.js';
import { silentLog, type BuildLog } from './build-log.js';
import { planBuild } from './build-plan.js';
import { ProgressCounter, type BuildProgress } from './build-progress.js';
import { describeSource } from './checksum.js';
import { upToDateManifest } from './existing-build.js';
import type { FacePool } from './face-pool.js';
import { FaceStage } from './face-stage.js';
import { labelRows, PART_ROWS } from './labelled-rows.js';
import type { Manifest } from './manifest.js';
import type { PartCache } from './part-cache.js';
import { selectRows } from './select-rows.js';
import { writeShards } from './write-shards.js';
import { assembleManifest, writeManifest, writePreviewAndIssues } from './write-manifest.js';

export { PAPER_CLASSES } from './build-plan.js';
export { NO_MASK } from './select-rows.js';
export { readManifest } from './existing-build.js';
export type { BuildLog, BuildProgress };

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
  /**
   * Folder (file:// or s3://) for the face stage's cached parts; default the output's `.build/`.
   * Builds of other selections from the same sources can share one and skip the face stage.
   */
  faceCache?: string;
  /** Source rows per cached part (default 1,024; tests use small parts). */
  partRows?: number;
  /** Rows to leave out (heldOutRows()); required exactly when `config.holdOut` names datasets. */
  holdOutRows?: ReadonlySet<number>;
}

export interface BuildOutcome {
  manifest: Manifest;
  upToDate: boolean;
  /** Storage keys written by this run. */
  written: string[];
  /** Parts of the face stage taken from an earlier (interrupted or other-threshold) run. */
  reusedParts: number;
  /** Labelled rows left out because `config.holdOut` datasets evaluate on them or on another copy of their image. */
  heldOut: number;
  /** Of `heldOut`, the rows held out only because they hold another copy of a held-out row's image. */
  heldOutCopies: number;
  /** Labelled rows left out because their image occurs more than once in the source (`config.dropDuplicates`). */
  duplicates: number;
  issues: RowIssue[];
  seconds: number;
}

/**
 * FER2013 (+FER+) → FERM, in stages: plan (classes, caps, build keys), label the rows and run
 * the face stage (landmarks, measurements, mask) in cached parts, select (filters, caps, split),
 * write TFRecord shards, preview and issues, and finally manifest.json. Same inputs and config →
 * nothing written; an interrupted build reuses every part and shard already in storage whose
 * sha256 checks out. Profile fer2013 (Table 1) skips the face stage and the filters: original
 * pixels, FER2013's seven labels, split by Usage.
 */
export async function buildDataset(options: BuildDatasetOptions): Promise<BuildOutcome> {
  const started = Date.now();
  const log = options.log ?? silentLog;
  const config = options.config;
  if (config.profile === 'fer2013' && options.ferplus !== undefined) {
    throw new Error("the fer2013 profile uses FER2013's own labels (Table 1); leave out the FER+ file");
  }
  if (config.valFromTraining && config.profile !== 'fer2013') {
    throw new Error(`valFromTraining applies to the fer2013 profile only: the ${config.profile} profile always takes val from Training`);
  }
  if ((config.holdOut?.length ?? 0) > 0 !== (options.holdOutRows !== undefined)) {
    throw new Error('config.holdOut and the held-out rows go together: build them with heldOutRows()');
  }
  const storage = openStorage(options.out, options.env);
  const [fer2013, ferplus] = await Promise.all([describeSource(options.source), options.ferplus ? describeSource(options.ferplus) : undefined]);
  for (const held of config.holdOut ?? []) {
    if (held.source !== fer2013.sha256) {
      throw new Error(
        `held-out dataset (build ${held.buildKey}) was built from another FER2013 file (sha256 ${held.source.slice(0, 12)}…, this source is ${fer2013.sha256.slice(0, 12)}…): its row numbers do not apply`,
      );
    }
  }
  const plan = planBuild(config, fer2013, ferplus, options.detectorName);
  const ctx = { storage, written: [] as string[] };

  const existing = await upToDateManifest(storage, plan.buildKey, log);
  if (existing) {
    log.info({ out: storage.uri, buildKey: plan.buildKey }, 'dataset up to date');
    return {
      manifest: existing,
      upToDate: true,
      written: [],
      reusedParts: 0,
      heldOut: 0,
      heldOutCopies: 0,
      duplicates: 0,
      issues: [],
      seconds: (Date.now() - started) / 1000,
    };
  }

  const progress = new ProgressCounter(Math.min(config.limit ?? Infinity, Math.max(0, fer2013.lines - 1)), started, options.onProgress);
  const partCache: PartCache = options.faceCache
    ? { ctx: { storage: openStorage(options.faceCache, options.env), written: [] }, prefix: '' }
    : { ctx, prefix: '.build/' };
  const faceStage = plan.unmasked ? undefined : new FaceStage(partCache, plan.processingKey, options.startFacePool, progress, log);
  let labelled;
  try {
    labelled = await labelRows({
      source: options.source,
      ferplus: options.ferplus,
      limit: config.limit,
      classes: plan.classes,
      faceStage,
      partRows: options.partRows ?? PART_ROWS,
      progress,
      log,
      onIssue: options.onIssue,
    });
  } finally {
    await faceStage?.close();
  }

  if (!faceStage) progress.report();
  const held = options.holdOutRows;
  const copies = held ? otherCopies(held, labelled.twins) : new Set<number>();
  const kept = held ? new Map([...labelled.rows].filter(([index]) => !held.has(index) && !copies.has(index))) : labelled.rows;
  const heldOut = labelled.rows.size - kept.size;
  const heldOutCopies = [...copies].filter((index) => labelled.rows.has(index)).length;
  if (held) log.info({ heldOut, copies: heldOutCopies, datasets: config.holdOut?.map((h) => h.buildKey) }, 'rows held out');
  const rows = config.dropDuplicates ? new Map([...kept].filter(([index]) => !labelled.twins.has(index))) : kept;
  const duplicates = kept.size - rows.size;
  if (config.dropDuplicates) log.info({ duplicates, inSource: labelled.twins.size }, 'duplicate images dropped');
  const selection = selectRows({
    rows,
    faces: faceStage?.faces,
    config,
    classes: plan.classes,
    caps: plan.caps,
    hasFerPlus: ferplus !== undefined,
  });
  const { shards, splits } = await writeShards(ctx, selection.splits, plan.classes, config.shardSize, plan.buildKey);
  await writePreviewAndIssues(ctx, plan, labelled, selection);
  const manifest = assembleManifest({
    plan,
    labelled,
    processed: faceStage?.faces.size ?? 0,
    selection,
    heldOut,
    duplicates,
    shards,
    splits,
    sources: { fer2013, ferplus },
  });
  await writeManifest(ctx, manifest);
  const seconds = (Date.now() - started) / 1000;
  log.info({ out: storage.uri, buildKey: plan.buildKey, selected: manifest.rows.selected, seconds }, 'dataset built');
  return {
    manifest,
    upToDate: false,
    written: ctx.written,
    reusedParts: faceStage?.reusedParts ?? 0,
    heldOut,
    heldOutCopies,
    duplicates,
    issues: labelled.issues,
    seconds,
  };
}

/**
 * The rows outside `held` that hold the image of a row in it: FER2013 holds some images more
 * than once, and a copy left in would show the model an image it is later scored on.
 */
function otherCopies(held: ReadonlySet<number>, twins: ReadonlyMap<number, readonly number[]>): Set<number> {
  const copies = new Set<number>();
  for (const index of held) for (const copy of twins.get(index) ?? []) if (!held.has(copy)) copies.add(copy);
  return copies;
}
