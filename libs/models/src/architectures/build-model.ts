import type * as tf from '@tensorflow/tfjs';
import { parseModelConfig, type Architecture, type ModelConfig } from './model-config.js';
import { buildMXception } from './mxception.js';
import { buildMiniXception } from './mini-xception.js';
import { buildXception } from './xception.js';
import { buildCnn } from './cnn.js';

const builders: Record<Architecture, (config: ModelConfig, seed?: number) => tf.LayersModel> = {
  mxception: buildMXception,
  'mini-xception': buildMiniXception,
  xception: buildXception,
  cnn: buildCnn,
};

export interface BuildOptions {
  /** Seeds every kernel initializer; omit for tfjs' unseeded initialisation. */
  seed?: number;
}

/** A fresh, uncompiled model for a validated config (a factory: never cached). */
export function buildModel(config: ModelConfig, options: BuildOptions = {}): tf.LayersModel {
  const valid = parseModelConfig(config);
  return builders[valid.architecture](valid, options.seed);
}
