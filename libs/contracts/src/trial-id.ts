import { createHash } from 'node:crypto';
import type { ModelConfig, TrainOptions } from './model-config.js';

/** JSON with object keys sorted and undefined fields dropped, so equal configs hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Trial id = `t-` + the first 16 hex chars of sha256(normalised model + training config (which
 * holds the seed) + dataset version). Used as the BullMQ jobId, so resubmitting never duplicates.
 */
export function trialIdOf(config: { model: ModelConfig; training: TrainOptions; datasetVersion: string }): string {
  const normalised = canonicalJson({ model: config.model, training: config.training, dataset: config.datasetVersion });
  return `t-${sha256Hex(normalised).slice(0, 16)}`;
}

/** Dataset version = first 16 hex chars of the manifest's sha256 (same bytes, same version). */
export function datasetVersionOf(manifestBytes: Uint8Array | string): string {
  return sha256Hex(manifestBytes).slice(0, 16);
}
