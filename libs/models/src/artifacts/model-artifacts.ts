import * as tf from '@tensorflow/tfjs';
import { parseModelConfig, type ModelConfig } from '../architectures/model-config.js';
import type { BackendInfo } from '@fermx/kernels';
import type { TestTimeAugmentation } from '@fermx/contracts';
import type { TrainOptions } from '../training/train-options.js';

/** The files of a saved model: standard tfjs layers format plus fermx's metadata. */
export const MODEL_FILES = ['model.json', 'weights.bin', 'metadata.json'] as const;

/** Written as metadata.json beside model.json: what the model is and how well it did. */
export interface ModelMetadata {
  config: ModelConfig;
  classes: string[];
  backend?: BackendInfo;
  training?: TrainOptions;
  /** e.g. { valAccuracy, valLoss, testAccuracy, macroF1 } */
  metrics?: Record<string, unknown>;
  /**
   * Images per class the model was trained on (`train`) and, where its dataset capped classes,
   * of every Training row its selection kept before the caps (`uncapped`): what re-aiming its
   * probabilities at that class mix needs (class-prior.ts). Absent in models saved before it.
   */
  classMix?: { train: Record<string, number>; uncapped?: Record<string, number> };
  /**
   * How the model is read when that differs from what its training did: `tta` is the test-time
   * augmentation it was chosen under after training (a committed model re-scored, weights
   * unchanged), which `fermx evaluate` and `compare` use before `training.tta`. `note` says why.
   */
  evaluation?: { tta: TestTimeAugmentation; note?: string };
  /**
   * Set when the weights are the mean of other models' (model-soup.ts): the members, as they were
   * named, and where its batch-norm statistics were re-estimated (recalibrate-batch-norm.ts), if they were.
   */
  soup?: { members: string[]; recalibrated?: { dataset: { uri: string; version: string }; split: string; images: number } };
  /** Filled in by saveModelArtifacts. */
  parameters?: number;
  format?: 'fermx-model';
  formatVersion?: 1;
}

const encoder = new TextEncoder();
const json = (value: unknown): Uint8Array => encoder.encode(JSON.stringify(value, null, 2) + '\n');

/** Serialises a model to `model.json`, `weights.bin` and `metadata.json` (bytes per file name). */
export async function saveModelArtifacts(model: tf.LayersModel, metadata: ModelMetadata): Promise<Record<string, Uint8Array>> {
  const config = parseModelConfig(metadata.config);
  if (metadata.classes.length !== config.numClasses) {
    throw new Error(`metadata.classes has ${metadata.classes.length} names but config.numClasses is ${config.numClasses}`);
  }
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  if (!saved?.modelTopology || !saved.weightSpecs || !saved.weightData) throw new Error('tfjs produced no model topology or weights');
  const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(saved.weightData));
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: saved.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: saved.weightSpecs }],
  };
  const fullMetadata: ModelMetadata = { ...metadata, config, parameters: model.countParams(), format: 'fermx-model', formatVersion: 1 };
  return { 'model.json': json(modelJson), 'weights.bin': weights, 'metadata.json': json(fullMetadata) };
}

function parseJson<T>(bytes: Uint8Array, file: string): T {
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

interface ModelJson {
  modelTopology?: object;
  weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Loads what saveModelArtifacts wrote; `read(name)` fetches one file (from disk, S3, …). */
export async function loadModelArtifacts(read: (name: string) => Promise<Uint8Array>): Promise<{ model: tf.LayersModel; metadata: ModelMetadata }> {
  const modelJson = parseJson<ModelJson>(await read('model.json'), 'model.json');
  if (!modelJson.modelTopology || !Array.isArray(modelJson.weightsManifest)) throw new Error('model.json has no modelTopology or weightsManifest');
  const metadata = parseJson<ModelMetadata>(await read('metadata.json'), 'metadata.json');
  try {
    metadata.config = parseModelConfig(metadata.config);
  } catch (error) {
    throw new Error(`metadata.json: ${(error as Error).message}`);
  }
  if (!Array.isArray(metadata.classes) || metadata.classes.length !== metadata.config.numClasses) {
    throw new Error(`metadata.json: classes must list ${metadata.config.numClasses} names`);
  }
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  const parts: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest) for (const path of group.paths) parts.push(await read(path));
  const total = parts.reduce((sum, p) => sum + p.length, 0);
  const weightData = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    weightData.set(part, offset);
    offset += part.length;
  }
  const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: modelJson.modelTopology, weightSpecs, weightData: weightData.buffer }));
  return { model, metadata };
}
