import { z } from 'zod';

/** Aliases a promoted model version can carry (docs/PREDICT.md "Promotion"). */
export const MODEL_ALIASES = ['production', 'candidate'] as const;
export const ModelAliasSchema = z.enum(MODEL_ALIASES);
export type ModelAlias = z.infer<typeof ModelAliasSchema>;

/** Lower-case letters, digits and dashes, starting with a letter or digit: a storage folder and a URL segment. */
export const MODEL_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
export const ModelNameSchema = z
  .string()
  .regex(MODEL_NAME, 'a model name is lower-case letters, digits and dashes (at most 63), starting with a letter or digit');

/** `models/<name>/v<N>/lineage.json`: where a promoted version came from. Written last: a version exists once it has one. */
export const LineageSchema = z.object({
  name: z.string(),
  version: z.number().int().positive(),
  promotedAt: z.string(),
  trial: z.object({ trialId: z.string(), sweepId: z.string(), sweepName: z.string(), variant: z.string().optional() }),
  /** The trial's spec as the queue carried it (runs/<sweep>/<trial>/config.json), when storage has it. */
  spec: z.unknown().optional(),
  dataset: z.object({
    uri: z.string(),
    version: z.string(),
    /** Whether the training faces wore fermx's synthetic masks (the manifest's image.masked); null when the manifest could not be read. */
    masked: z.boolean().nullable(),
    classes: z.array(z.string()),
  }),
  model: z.unknown(),
  training: z.unknown(),
  backend: z.string(),
  metrics: z.object({
    valAccuracy: z.number(),
    macroF1: z.number(),
    testAccuracy: z.number().optional(),
    testSplit: z.string().optional(),
    perClassAccuracy: z.array(z.number()),
  }),
  epochsRun: z.number().int().nonnegative(),
  /** Storage URI of the trial's model folder the files were copied from. */
  source: z.string(),
  /** Git commit of the code, when known (the trial's result, else the promoting checkout). */
  commit: z.object({ sha: z.string(), of: z.enum(['trial', 'promoting-checkout']) }).optional(),
  files: z.array(z.string()),
});
export type Lineage = z.infer<typeof LineageSchema>;

export const AliasMoveSchema = z.object({
  alias: ModelAliasSchema,
  from: z.number().int().positive().nullable(),
  to: z.number().int().positive(),
  at: z.string(),
});
export type AliasMove = z.infer<typeof AliasMoveSchema>;

/** `models/<name>/aliases.json`: which version each alias points at, and every move so far. */
export const AliasesFileSchema = z.object({
  aliases: z.partialRecord(ModelAliasSchema, z.number().int().positive()),
  history: z.array(AliasMoveSchema),
});
export type AliasesFile = z.infer<typeof AliasesFileSchema>;
