import type { EpochMetrics, TrialResult } from '@fermx/contracts';
import { TrialDivergedError } from '../training/errors/index.js';

/**
 * A diverged model must fail its trial, never rank: the runner checks every epoch's metrics,
 * the final model's float32 weights and the result before anything is written or indexed.
 */

/** Throws TrialDivergedError naming the epoch and field when an epoch's numbers are not finite. */
export function assertFiniteEpoch(metrics: EpochMetrics): void {
  const bad = firstNonFinite(metrics, '');
  if (bad)
    throw new TrialDivergedError(`epoch ${metrics.epoch}: ${bad.path} is ${bad.value}; the model diverged, the trial fails and is not ranked`, metrics.epoch);
}

/**
 * Throws TrialDivergedError when a float32 weight of the saved model is NaN or infinite.
 * Reads model.json's tfjs `weightsManifest` to find the float32 tensors in weights.bin.
 */
export function assertFiniteModel(files: Record<string, Uint8Array>): void {
  const modelJson = files['model.json'];
  const weights = files['weights.bin'];
  if (!modelJson || !weights) return;
  const manifest =
    (JSON.parse(new TextDecoder().decode(modelJson)) as { weightsManifest?: { weights: { name: string; shape: number[]; dtype?: string }[] }[] })
      .weightsManifest ?? [];
  const view = new DataView(weights.buffer, weights.byteOffset, weights.byteLength);
  let offset = 0;
  for (const spec of manifest.flatMap((group) => group.weights)) {
    const dtype = spec.dtype ?? 'float32';
    const bytesPer = BYTES_PER_ELEMENT[dtype];
    if (bytesPer === undefined) return; // strings have no fixed size: nothing after them can be located
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (dtype === 'float32') {
      for (let i = 0; i < count && offset + i * 4 + 4 <= weights.byteLength; i++) {
        const value = view.getFloat32(offset + i * 4, true);
        if (!Number.isFinite(value))
          throw new TrialDivergedError(`final weights: ${spec.name}[${i}] is ${value}; the model diverged, the trial fails and is not ranked`);
      }
    }
    offset += count * bytesPer;
  }
}

const BYTES_PER_ELEMENT: Record<string, number | undefined> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/** Throws TrialDivergedError when the final evaluation (accuracy, F1, per class, confusion matrix) holds a non-finite number. */
export function assertFiniteEvaluation(evaluation: object): void {
  const bad = firstNonFinite(evaluation, 'evaluation');
  if (bad) throw new TrialDivergedError(`final ${bad.path} is ${String(bad.value)}; the model diverged, the trial fails and is not ranked`);
}

/** The first number in a result's metrics or curves that is not finite (or null, as NaN reads back from JSON). */
export function nonFiniteInResult(result: TrialResult): { path: string; value: unknown } | undefined {
  return firstNonFinite(result.metrics, 'metrics') ?? firstNonFinite(result.curves, 'curves');
}

/** Throws TrialDivergedError when a result holds a non-finite number: it is never written or indexed. */
export function assertFiniteResult(result: TrialResult): void {
  const bad = nonFiniteInResult(result);
  if (bad) throw new TrialDivergedError(`result of trial ${result.trialId}: ${bad.path} is ${String(bad.value)}; the trial fails and is not ranked`);
}

function firstNonFinite(value: unknown, path: string): { path: string; value: unknown } | undefined {
  if (value === null) return { path, value: null };
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { path, value };
  if (typeof value !== 'object') return undefined;
  for (const [key, child] of Object.entries(value)) {
    const found = firstNonFinite(child, path ? (Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`) : key);
    if (found) return found;
  }
  return undefined;
}
