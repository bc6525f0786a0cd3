import * as tf from '@tensorflow/tfjs';
import { INPUT_SIZE, type ModelConfig } from './model-config.js';
import type { BuildOptions } from './build-options.js';
import { LayerFactory } from './layer-factory.js';

/**
 * mini_Xception (Arriaga, Valdenegro-Toro & Plöger 2017, oarriaga/face_classification):
 * two valid 3×3 convs of 8, four separable residual modules (16, 32, 64, 128), a 3×3 conv to
 * the class count, global average pooling, softmax. No dense layer; dropout, when asked for,
 * sits before the class conv.
 */
export const MINI_XCEPTION_WIDTHS = { stem: 8, modules: [16, 32, 64, 128] } as const;

export function buildMiniXception(config: ModelConfig, options: BuildOptions = {}): tf.LayersModel {
  const f = new LayerFactory(config.width ?? 1, options);
  const input = tf.input({ shape: [INPUT_SIZE, INPUT_SIZE, 1] });
  let x = f.convBnRelu(input, f.channels(MINI_XCEPTION_WIDTHS.stem), { padding: 'valid' });
  x = f.convBnRelu(x, f.channels(MINI_XCEPTION_WIDTHS.stem), { padding: 'valid' });
  for (const filters of MINI_XCEPTION_WIDTHS.modules) {
    x = f.downBlock(x, [f.channels(filters), f.channels(filters)], { preActivation: false });
  }
  x = f.dropout(x, config.dropout);
  x = f.conv(x, config.numClasses, { bias: true });
  x = f.globalAveragePool(x);
  const output = f.softmax(x);
  return tf.model({ inputs: input, outputs: output, name: 'mini_xception' });
}
