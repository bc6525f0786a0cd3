import { ModelConfigSchema, type ModelConfig } from '@fermx/contracts';

/** The model-config contract lives in @fermx/contracts (one schema for submit, queue and builder). */
export { ARCHITECTURES, ModelConfigSchema, type Architecture, type ModelConfig } from '@fermx/contracts';

/** A model config that does not match the contract; the message names every bad field. */
export class InvalidModelConfigError extends Error {
  override readonly name = 'InvalidModelConfigError';
}

/** Validates a config and names every bad field in the error. */
export function parseModelConfig(config: unknown): ModelConfig {
  const result = ModelConfigSchema.safeParse(config);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new InvalidModelConfigError(`invalid model config: ${problems.join('; ')}`);
  }
  return result.data;
}

export const INPUT_SIZE = 48;
