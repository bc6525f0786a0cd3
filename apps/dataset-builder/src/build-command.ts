import { availableParallelism } from 'node:os';
import { createLogger, defineCommand, terminalCell, terminalText, UsageError } from '@fermx/cli';
import {
  BuildConfigSchema,
  PROFILE_FILTERS,
  buildDataset,
  heldOutRows,
  DEFAULT_STORAGE_URI,
  formatIssue,
  NotFer2013Error,
  NotFerPlusError,
  workerFacePool,
  type BuildConfig,
} from '@fermx/data';
import { formatCounts, formatFilters } from './format-counts.js';
import { progressBar } from './progress-bar.js';

const usage =
  '--source FER2013.csv[.gz] [--ferplus fer2013new.csv] [--profile paper|all|fer2013] [--min-agreement X] [--no-label-match] [--val-from-training] [--over-cap drop|train] [--hold-out-from DATASET_URI ...] [--drop-duplicates] --out URI [--face-cache URI] [--workers N] [--limit N] [--seed N] [--json]';

function intFlag(value: unknown, name: string, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, got "${String(value)}"`, usage);
  return n;
}

function numberFlag(value: unknown, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${String(value)}"`, usage);
  return n;
}

export const buildCommand = defineCommand({
  path: ['dataset', 'build'],
  summary:
    'Build the masked FERM dataset from FER2013 (+FER+): landmarks, masks, filters, TFRecord shards, manifest, preview; --profile fer2013: the unmasked 7-class FER2013 of Table 1, split by Usage',
  usage,
  options: {
    source: { type: 'string' },
    ferplus: { type: 'string' },
    profile: { type: 'string', default: 'paper' },
    out: { type: 'string' },
    workers: { type: 'string' },
    limit: { type: 'string' },
    seed: { type: 'string' },
    'min-agreement': { type: 'string' },
    'no-label-match': { type: 'boolean', default: false },
    'max-yaw': { type: 'string' },
    'min-sharpness': { type: 'string' },
    'no-filters': { type: 'boolean', default: false },
    'face-cache': { type: 'string' },
    'val-from-training': { type: 'boolean', default: false },
    'hold-out-from': { type: 'string', multiple: true },
    'drop-duplicates': { type: 'boolean', default: false },
    'over-cap': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  async run(ctx) {
    const v = ctx.values;
    if (typeof v.source !== 'string') throw new UsageError('--source is required (a FER2013 CSV, .csv or .csv.gz)', usage);
    const unmasked = v.profile === 'fer2013';
    if (unmasked) {
      // Table 1 is FER2013 as published: its labels, its pixels; refuse what would change either.
      if (typeof v.ferplus === 'string') throw new UsageError("--profile fer2013 uses FER2013's own labels (Table 1): leave out --ferplus", usage);
      const filterFlag = ['min-agreement', 'no-label-match', 'max-yaw', 'min-sharpness', 'no-filters', 'face-cache'].find(
        (f) => v[f] !== undefined && v[f] !== false,
      );
      if (filterFlag) throw new UsageError(`--${filterFlag} does not apply to --profile fer2013 (no landmarks, no filters)`, usage);
    }
    if (!unmasked && v['val-from-training']) {
      throw new UsageError(`--val-from-training applies to --profile fer2013 only (the ${String(v.profile)} profile always takes val from Training)`, usage);
    }
    if (v['over-cap'] !== undefined && v['over-cap'] !== 'drop' && v['over-cap'] !== 'train') {
      throw new UsageError(`--over-cap must be drop or train, got "${String(v['over-cap'])}"`, usage);
    }
    if (v['over-cap'] !== undefined && v.profile !== 'paper') {
      throw new UsageError(`--over-cap applies to --profile paper only (the ${String(v.profile)} profile caps no class)`, usage);
    }
    // A different default folder, so the unmasked set never replaces FERM.
    const dataset = unmasked ? 'fer2013' : 'ferm';
    const out = typeof v.out === 'string' ? v.out : ctx.env.FERMX_STORAGE ? `${ctx.env.FERMX_STORAGE.replace(/\/+$/, '')}/datasets/${dataset}/v1` : undefined;
    if (!out) throw new UsageError(`--out is required (e.g. file:///tmp/ferm, ${DEFAULT_STORAGE_URI}/datasets/ferm/v1 or s3://bucket/datasets/ferm/v1)`, usage);
    const filters: Record<string, unknown> = {
      minAgreement: numberFlag(v['min-agreement'], 'min-agreement'),
      requireLabelMatch: v['no-label-match'] ? false : undefined,
      maxYaw: numberFlag(v['max-yaw'], 'max-yaw'),
      minSharpness: numberFlag(v['min-sharpness'], 'min-sharpness'),
      enabled: !v['no-filters'],
    };
    const holdOutFrom = (v['hold-out-from'] as string[] | undefined) ?? [];
    let held: Awaited<ReturnType<typeof heldOutRows>> | undefined;
    try {
      // Read before anything is built: a wrong URI fails here, naming it.
      held = holdOutFrom.length ? await heldOutRows(holdOutFrom, { env: ctx.env }) : undefined;
    } catch (error) {
      ctx.stderr.write(terminalText(`fermx dataset build: --hold-out-from: ${error instanceof Error ? error.message : String(error)}\n`));
      return 1;
    }
    const profile = BuildConfigSchema.shape.profile.safeParse(v.profile);
    if (!profile.success) throw new UsageError(`profile: ${profile.error.issues.map((i) => i.message).join('; ')}`, usage);
    const parsed = BuildConfigSchema.safeParse({
      profile: profile.data,
      seed: intFlag(v.seed, 'seed'),
      limit: intFlag(v.limit, 'limit', 1),
      valFromTraining: v['val-from-training'] ? true : undefined,
      holdOut: held?.holdOut,
      dropDuplicates: v['drop-duplicates'] ? true : undefined,
      overCap: v['over-cap'],
      filters: { ...PROFILE_FILTERS[profile.data], ...Object.fromEntries(Object.entries(filters).filter(([, x]) => x !== undefined)) },
    });
    if (!parsed.success) {
      throw new UsageError(parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; '), usage);
    }
    const config: BuildConfig = parsed.data;
    const workers = intFlag(v.workers, 'workers', 1) ?? Math.max(1, availableParallelism());
    const log = createLogger('dataset-builder', ctx.env);
    const tty = Boolean((ctx.stderr as { isTTY?: boolean }).isTTY);
    const bar = tty ? progressBar(ctx.stderr as NodeJS.WritableStream & { columns?: number }) : undefined;
    if (config.profile === 'paper' && typeof v.ferplus !== 'string') {
      log.warn({ profile: 'paper' }, 'no --ferplus: the paper profile uses FER+ labels; falling back to FER2013 labels');
    }
    let lastLog = 0;
    try {
      const outcome = await buildDataset({
        source: v.source,
        ...(typeof v.ferplus === 'string' ? { ferplus: v.ferplus } : {}),
        out,
        ...(typeof v['face-cache'] === 'string' ? { faceCache: v['face-cache'] } : {}),
        config,
        ...(held ? { holdOutRows: held.rows } : {}),
        env: ctx.env,
        detectorName: 'face-api/face_landmark_68',
        startFacePool: () => workerFacePool(workers, { seed: config.seed, styles: config.maskStyles, supersample: config.supersample }),
        log: tty ? { info: () => undefined, warn: (fields, message) => log.warn(fields, message) } : log,
        onIssue: tty ? (issue) => ctx.stderr.write(`\rskipped ${terminalCell(formatIssue(issue))}\n`) : undefined,
        onProgress: (p) => {
          if (bar) return bar.update(p);
          if (Date.now() - lastLog > 5000 || p.done === p.total) {
            lastLog = Date.now();
            log.info({ done: p.done, total: p.total, imagesPerSecond: Math.round(p.imagesPerSecond), etaSeconds: Math.round(p.etaSeconds) }, 'build progress');
          }
        },
      });
      bar?.done();
      const m = outcome.manifest;
      if (v.json) {
        ctx.stdout.write(
          `${JSON.stringify({ out, upToDate: outcome.upToDate, written: outcome.written.length, reusedParts: outcome.reusedParts, seconds: outcome.seconds, classes: m.classes, splits: m.splits, rows: m.rows, buildKey: m.builder.buildKey })}\n`,
        );
        return 0;
      }
      ctx.stdout.write(
        outcome.upToDate
          ? `${out}: up to date (build ${m.builder.buildKey}), nothing written\n`
          : `${out}: built ${m.rows.selected} images in ${outcome.seconds.toFixed(1)} s, ${outcome.written.length} objects written${outcome.reusedParts ? `, ${outcome.reusedParts} cached parts reused` : ''}\n`,
      );
      if (m.image.masked === false) {
        const splits = m.builder.config.valFromTraining
          ? `val a stratified ${m.builder.config.valFraction} of Training, PublicTest held out as publictest`
          : 'splits from the Usage column';
        ctx.stdout.write(`images unmasked: original FER2013 pixels, ${splits}\n`);
      }
      ctx.stdout.write(formatCounts(m));
      ctx.stdout.write(formatFilters(m));
      if (held)
        ctx.stdout.write(
          `held out: ${outcome.heldOut} rows that ${holdOutFrom.join(', ')} evaluate on (their val, test and publictest splits), ${outcome.heldOutCopies} of them other copies of those images\n`,
        );
      if (m.issues.total > 0) ctx.stdout.write(`${m.issues.total} bad input rows skipped (see issues.txt)\n`);
      return 0;
    } catch (error) {
      bar?.done();
      if (
        error instanceof NotFer2013Error ||
        error instanceof NotFerPlusError ||
        (error instanceof Error && /source (file not found|is not a file)|cannot decompress|its row numbers do not apply/.test(error.message))
      ) {
        ctx.stderr.write(terminalText(`fermx dataset build: ${error.message}\n`));
        return 1;
      }
      throw error;
    }
  },
});
