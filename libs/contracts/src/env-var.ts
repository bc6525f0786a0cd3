import { z } from 'zod';

/**
 * An environment variable read with `schema`, where an empty value (`FOO=`) means unset, so the
 * schema's default applies. Every process reads a shared variable through the same field schema
 * (e.g. `queueEnv` in @fermx/queue, `storageEnv` in @fermx/data).
 */
export function envVar<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === '' ? undefined : value), schema);
}
