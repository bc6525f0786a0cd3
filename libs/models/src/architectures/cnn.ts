import * as tf from '@tensorflow/tfjs';
import { INPUT_SIZE, type ModelConfig } from './model-config.js';
import type { BuildOptions } from './build-options.js';
import { LayerFactory } from './layer-factory.js';

/**
 * Plain CNN baseline (paper Table 3, first row; the paper gives no layout): three stages of
 * two 3×3 conv+BN+ReLU and 2×2 max pooling (16, 32, 64 channels), global average pooling,
 * optional dropout, softmax. No separable convs, no shortcuts.
 */
export const CNN_WIDTHS = [16, 32, 64] as const;

export function buildCnn(config: ModelConfig, options: BuildOptions = {}): tf.LayersModel {
  const f = new LayerFactory(config.width ?? 1, options);
  const input = tf.input({ shape: [INPUT_SIZE, INPUT_SIZE, 1] });
  let x: tf.SymbolicTensor = input;
  for (const filters of CNN_WIDTHS) {
    x = f.convBnRelu(x, f.channels(filters));
    x = f.convBnRelu(x, f.channels(filters));
    x = f.maxPool(x, 2, 2);
  }
  x = f.globalAveragePool(x);
  x = f.dropout(x, config.dropout);
  const output = f.softmaxDense(x, config.numClasses);
  return tf.model({ inputs: input, outputs: output, name: 'cnn' });
}
