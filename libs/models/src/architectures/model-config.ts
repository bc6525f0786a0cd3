import { z } from 'zod';

export const architectures = ['mxception', 'mini-xception', 'xception', 'cnn'] as const;
export type Architecture = (typeof architectures)[number];

/** A model as a sweep parameterises it; every field is validated by `modelConfigSchema`. */
export interface ModelConfig {
  architecture: Architecture;
  numClasses: number;
  /** Dropout rate before the classifier (0 = none). */
  dropout?: number;
  /** Middle-flow repeats (M-Xception default 3, Xception default 8; others ignore it). */
  middleFlowRepeats?: number;
  /** Channel multiplier, default 1. */
  width?: number;
}

export const modelConfigSchema = z.object({
  architecture: z.enum(architectures),
  numClasses: z.number().int().min(2).max(1000),
  dropout: z.number().min(0).lt(1).optional(),
  middleFlowRepeats: z.number().int().min(0).max(32).optional(),
  width: z.number().gt(0).max(8).optional(),
});

/** Validates a config and names every bad field in the error. */
export function parseModelConfig(config: unknown): ModelConfig {
  const result = modelConfigSchema.safeParse(config);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`invalid model config: ${problems.join('; ')}`);
  }
  return result.data;
}

export const INPUT_SIZE = 48;
