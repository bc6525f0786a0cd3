import * as tf from '@tensorflow/tfjs';
import { INPUT_SIZE, type ModelConfig } from './model-config.js';
import type { BuildOptions } from './build-options.js';
import { LayerFactory } from './layer-factory.js';

/**
 * Xception (Chollet 2017) with its full topology — stride-2 stem, 3 entry blocks, 8 middle
 * blocks, exit block plus two separable convs — and channel widths divided by about 5 so a
 * 48×48×1 input lands at the paper's 9.2×10^5 parameters (Table 1). Keras' 20.8 M-parameter
 * original does not accept inputs below 71×71.
 */
export const XCEPTION_WIDTHS = { stem: [8, 16], entry: [24, 48, 152], middle: 152, exit: [152, 200], tail: [304, 408] } as const;

export function buildXception(config: ModelConfig, options: BuildOptions = {}): tf.LayersModel {
  const f = new LayerFactory(config.width ?? 1, options);
  const w = XCEPTION_WIDTHS;
  const input = tf.input({ shape: [INPUT_SIZE, INPUT_SIZE, 1] });
  let x = f.convBnRelu(input, f.channels(w.stem[0]), { strides: 2, padding: 'valid' });
  x = f.convBnRelu(x, f.channels(w.stem[1]), { padding: 'valid' });
  w.entry.forEach((filters, i) => {
    x = f.downBlock(x, [f.channels(filters), f.channels(filters)], { preActivation: i > 0 });
  });
  const middle = f.channels(w.middle);
  for (let i = 0; i < (config.middleFlowRepeats ?? 8); i++) x = f.middleBlock(x, middle);
  x = f.downBlock(x, [f.channels(w.exit[0]), f.channels(w.exit[1])], { preActivation: true });
  for (const filters of w.tail) x = f.relu(f.bn(f.separable(x, f.channels(filters))));
  x = f.globalAveragePool(x);
  x = f.dropout(x, config.dropout);
  const output = f.softmaxDense(x, config.numClasses);
  return tf.model({ inputs: input, outputs: output, name: 'xception' });
}
