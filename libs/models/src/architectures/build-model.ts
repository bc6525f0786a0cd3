import type * as tf from '@tensorflow/tfjs';
import type { BuildOptions } from './build-options.js';
import { parseModelConfig, type Architecture, type ModelConfig } from './model-config.js';
import { buildMXception } from './mxception.js';
import { buildMiniXception } from './mini-xception.js';
import { buildXception } from './xception.js';
import { buildCnn } from './cnn.js';
import { buildPublishedRmn, buildRmn } from './rmn.js';

const builders: Record<Architecture, (config: ModelConfig, options: BuildOptions) => tf.LayersModel> = {
  mxception: buildMXception,
  'mini-xception': buildMiniXception,
  xception: buildXception,
  cnn: buildCnn,
  rmn: buildRmn,
  'rmn-published': buildPublishedRmn,
};

export type { BuildOptions } from './build-options.js';

/** A fresh, uncompiled model for a validated config (a factory: never cached). */
export function buildModel(config: ModelConfig, options: BuildOptions = {}): tf.LayersModel {
  const valid = parseModelConfig(config);
  return builders[valid.architecture](valid, options);
}
