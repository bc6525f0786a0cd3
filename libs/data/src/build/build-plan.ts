import { FER2013_EMOTIONS, FERPLUS_COLUMNS } from '../fer2013/emotions.js';
import { BUILDER_VERSION, PAPER_CAPS, type BuildConfig } from './build-config.js';
import { sha256 } from './checksum.js';
import type { SourceInfo } from './manifest.js';

export const PAPER_CLASSES = ['neutral', 'sad', 'surprise', 'angry'] as const;
const FERPLUS_CLASSES = FERPLUS_COLUMNS.slice(0, 8) as readonly string[];

/** What a build will produce, decided from its config and its inputs before any row is read. */
export interface BuildPlan {
  classes: string[];
  caps: Record<string, number> | undefined;
  /** The fer2013 profile: original pixels, FER2013's labels, no face stage, no filters, no caps. */
  unmasked: boolean;
  /** The config as applied, recorded in the manifest. */
  fullConfig: BuildConfig;
  detectorName: string;
  /** Identifies the face stage's inputs: its cached parts are reused while it is unchanged. */
  processingKey: string;
  /** Identifies the whole build: a manifest with this key and intact shards means nothing to do. */
  buildKey: string;
}

export function planBuild(config: BuildConfig, fer2013: SourceInfo, ferplus: SourceInfo | undefined, detector: string): BuildPlan {
  const unmasked = config.profile === 'fer2013';
  const classes = config.profile === 'paper' ? [...PAPER_CLASSES] : ferplus ? [...FERPLUS_CLASSES] : [...FER2013_EMOTIONS];
  const caps = unmasked ? undefined : (config.caps ?? (config.profile === 'paper' ? { ...PAPER_CAPS } : undefined));
  // The recorded config says what was applied: no filters and no caps in the fer2013 profile.
  const { holdOutCopies: _asked, ...rest } = config;
  const applied: BuildConfig = (config.holdOut?.length ?? 0) > 0 ? { ...rest, holdOutCopies: true } : rest;
  const fullConfig: BuildConfig = unmasked
    ? { ...withoutCaps(applied), filters: { ...config.filters, enabled: false } }
    : { ...applied, ...(caps ? { caps } : {}) };
  const detectorName = unmasked ? 'none' : detector;
  const processingKey = sha256(
    JSON.stringify({
      v: BUILDER_VERSION,
      src: fer2013.sha256,
      fp: ferplus?.sha256 ?? null,
      limit: config.limit ?? null,
      classes,
      seed: config.seed,
      styles: config.maskStyles,
      ss: config.supersample,
      det: detectorName,
    }),
  ).slice(0, 16);
  const buildKey = sha256(JSON.stringify({ processingKey, config: fullConfig })).slice(0, 16);
  return { classes, caps, unmasked, fullConfig, detectorName, processingKey, buildKey };
}

function withoutCaps(config: BuildConfig): BuildConfig {
  const copy = { ...config };
  delete copy.caps;
  return copy;
}
