import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { evaluate, initBackend, loadModelArtifacts } from '@fermx/models';
import { syntheticImageSet } from '@fermx/models/testing';

// The models committed in models/ (docs/RESULTS.md) must load, match their metadata and predict.
const modelsDir = fileURLToPath(new URL('../../../../models/', import.meta.url));
const committed = existsSync(modelsDir) ? readdirSync(modelsDir).filter((d) => statSync(join(modelsDir, d)).isDirectory()) : [];

describe('committed models', () => {
  it('there is at least one, each well under 2 MB', () => {
    expect(committed.length).toBeGreaterThan(0);
    for (const dir of committed) {
      const bytes = readdirSync(join(modelsDir, dir)).reduce((sum, f) => sum + statSync(join(modelsDir, dir, f)).size, 0);
      expect(bytes, dir).toBeLessThan(2 * 1024 * 1024);
    }
  });

  it.each(committed)('%s loads, has its metadata and classifies 48×48 images', async (dir) => {
    await initBackend('wasm');
    const { model, metadata } = await loadModelArtifacts(async (name) => new Uint8Array(readFileSync(join(modelsDir, dir, name))));
    expect(metadata.classes).toHaveLength(metadata.config.numClasses);
    expect(typeof metadata.metrics?.valAccuracy).toBe('number');
    expect(model.countParams()).toBe(metadata.parameters);
    const set = syntheticImageSet(16, metadata.classes, 1);
    const report = await evaluate(model, set);
    expect(report.confusionMatrix.flat().reduce((a, b) => a + b, 0)).toBe(16);
    model.dispose();
  });
});
