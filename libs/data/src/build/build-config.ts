import { z } from 'zod';
import { MASK_STYLES } from '../masking/mask-style.js';

/** Bumped when the builder's output for the same inputs and config changes. */
export const BUILDER_VERSION = '1.0.0';

export const PAPER_CAPS = { neutral: 1120, sad: 980, surprise: 1050, angry: 690 } as const;

/** Thresholds of the quality filters (each with a count in the manifest). */
export const FiltersSchema = z.object({
  enabled: z.boolean().default(true),
  /** Shape-fit residual above which the landmarks count as failed (0..1). */
  maxShapeResidual: z.number().min(0).max(1).default(0.35),
  /** Faces smaller than this (RMS landmark radius, px of the 48 px crop) are landmark failures. */
  minFaceSize: z.number().min(0).default(9),
  /** |yaw| above this many degrees is non-frontal. */
  maxYaw: z.number().min(0).max(90).default(30),
  /** Variance of the Laplacian below this is blurry. */
  minSharpness: z.number().min(0).default(400),
  /** FER+ majority share below this is label disagreement (only with FER+). */
  minAgreement: z.number().min(0).max(1).default(0.5),
  /**
   * Drop rows whose FER2013 label differs from the FER+ majority (the paper's "label error"
   * images; only with FER+). Absent means false, so older manifests keep their build keys.
   */
  requireLabelMatch: z.boolean().optional(),
});
export type Filters = z.infer<typeof FiltersSchema>;

/** One dataset whose evaluation rows a build holds out: its build, its source file and how many rows. */
export const HoldOutSchema = z.strictObject({
  buildKey: z.string().min(1),
  /** sha256 of the FER2013 file it was built from: row numbers mean something only in that file. */
  source: z.string().min(1),
  splits: z.array(z.string().min(1)).min(1),
  rows: z.number().int().nonnegative(),
});
export type HoldOut = z.infer<typeof HoldOutSchema>;

export const BuildConfigSchema = z.object({
  /**
   * paper: FERM, the paper's four masked classes, capped; all: every class, masked;
   * fer2013: the paper's Table 1 baseline, seven FER2013 classes unmasked, split by Usage.
   */
  profile: z.enum(['paper', 'all', 'fer2013']).default('paper'),
  seed: z.number().int().min(0).default(2020),
  /** Rows read from the source (first N), for small builds. */
  limit: z.number().int().positive().optional(),
  valFraction: z.number().min(0).max(0.5).default(0.1),
  /**
   * fer2013 profile only: val is a stratified, seeded `valFraction` of the Training rows and
   * PublicTest becomes `publictest`, so epochs can be chosen on val and reported on a split
   * nothing was chosen on. Unset: val is PublicTest (Table 1 as the paper reports it).
   */
  valFromTraining: z.boolean().optional(),
  shardSize: z.number().int().positive().default(4096),
  supersample: z.number().int().min(1).max(8).default(3),
  maskStyles: z
    .array(z.enum(MASK_STYLES))
    .min(1)
    .default([...MASK_STYLES]),
  filters: FiltersSchema.default(FiltersSchema.parse({})),
  /**
   * Datasets whose evaluation rows (val, test, publictest) this build leaves out, so a model
   * pretrained on it has never seen an image those datasets score (held-out-rows.ts). Absent
   * means none, so older manifests keep their build keys.
   */
  holdOut: z.array(HoldOutSchema).optional(),
  /**
   * Set by every build with holdOut: the other copies of a held-out image (rows with the same
   * pixels) are left out too. Absent in manifests of builds that held out by row number only.
   */
  holdOutCopies: z.literal(true).optional(),
  /**
   * Leave out every row whose image occurs more than once in the source (all copies), so no
   * image is in two splits, nor twice in one, and no evaluation image has a twin in any training
   * set built from the same file. Absent means false, so older manifests keep their build keys.
   */
  dropDuplicates: z.boolean().optional(),
  /** Per-class caps on train+val (paper profile: PAPER_CAPS). */
  caps: z.record(z.string(), z.number().int().nonnegative()).optional(),
  /**
   * Where the Training rows over a class's cap go: left out (`drop`, the paper's selection), or
   * into train (`train`), with val still drawn from the capped rows, so val and publictest are
   * the capped build's. Absent means drop, so older manifests keep their build keys.
   */
  overCap: z.enum(['drop', 'train']).optional(),
});
export type BuildConfig = z.infer<typeof BuildConfigSchema>;

/**
 * Filter defaults of each profile, under whatever the caller sets. `paper` follows the paper's
 * §2.2 selection: label errors removed (FER2013 label ≠ FER+ majority) and a FER+ agreement of
 * at least 0.6 — the highest threshold at which every class still fills its cap after the face
 * filters (docs/DATASET.md has the counts). The broader FERM of earlier builds is
 * `{ minAgreement: 0.5, requireLabelMatch: false }`.
 */
export const PROFILE_FILTERS: Record<BuildConfig['profile'], Partial<Filters>> = {
  paper: { minAgreement: 0.6, requireLabelMatch: true },
  all: {},
  fer2013: {},
};

/** Parses a build config, filling unset filters from the profile's defaults. */
export function buildConfigFor(input: { profile?: BuildConfig['profile']; filters?: Partial<Filters> } & Record<string, unknown>): BuildConfig {
  const profile = input.profile ?? 'paper';
  return BuildConfigSchema.parse({ ...input, profile, filters: { ...PROFILE_FILTERS[profile], ...input.filters } });
}
