import * as tf from '@tensorflow/tfjs';
import { INPUT_SIZE, type ModelConfig } from './model-config.js';
import type { BuildOptions } from './build-options.js';
import { LayerFactory } from './layer-factory.js';

/**
 * M-Xception (Wei, Lin & Zhang, the paper in shared/seeds/001): two stride-1 3×3 convs keep
 * the 48×48 positional detail; two separable residual blocks replace Xception's entry blocks;
 * the middle flow starts one block earlier and repeats 3 times (not 8); one exit block; global
 * average pooling; optional dropout; softmax. Widths are chosen to land at the paper's
 * 0.8×10^5 parameters (Table 1).
 */
export const M_XCEPTION_WIDTHS = { stem: 16, blocks: [32, 64], middle: 64, exit: [64, 128] } as const;

export function buildMXception(config: ModelConfig, options: BuildOptions = {}): tf.LayersModel {
  const f = new LayerFactory(config.width ?? 1, options);
  const w = M_XCEPTION_WIDTHS;
  const input = tf.input({ shape: [INPUT_SIZE, INPUT_SIZE, 1] });
  let x = f.convBnRelu(input, f.channels(w.stem));
  x = f.convBnRelu(x, f.channels(w.stem));
  w.blocks.forEach((filters, i) => {
    x = f.downBlock(x, [f.channels(filters), f.channels(filters)], { preActivation: i > 0 });
  });
  const middle = f.channels(w.middle);
  for (let i = 0; i < (config.middleFlowRepeats ?? 3); i++) x = f.middleBlock(x, middle);
  x = f.downBlock(x, [f.channels(w.exit[0]), f.channels(w.exit[1])], { preActivation: true });
  x = f.relu(x);
  x = f.globalAveragePool(x);
  x = f.dropout(x, config.dropout);
  const output = f.softmaxDense(x, config.numClasses);
  return tf.model({ inputs: input, outputs: output, name: 'mxception' });
}
