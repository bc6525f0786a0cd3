import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildModel, saveModelArtifacts, type ModelMetadata } from '@fermx/models';

/**
 * Saves a small cnn (width 0.25, weights from `seed`) predicting `classes` as a fermx model folder
 * at `folder` (model.json, weights.bin, metadata.json with `metadata` added), for tests that read
 * saved models (teachers, soups). Returns the folder.
 */
export async function writeSavedCnn(folder: string, classes: string[], seed: number, metadata: Partial<ModelMetadata> = {}): Promise<string> {
  const config = { architecture: 'cnn' as const, numClasses: classes.length, width: 0.25 };
  const model = buildModel(config, { seed });
  const files = await saveModelArtifacts(model, { ...metadata, config, classes });
  model.dispose();
  await mkdir(folder, { recursive: true });
  for (const [file, bytes] of Object.entries(files)) await writeFile(join(folder, file), bytes);
  return folder;
}
